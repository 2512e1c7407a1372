"""What the pages share, one module per job."""
