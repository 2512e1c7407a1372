"""Golden files, and the fixture board they are made from."""
