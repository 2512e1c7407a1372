"""What leaves a board: Markdown, PNG, backups, CSV and calendars, imports."""
