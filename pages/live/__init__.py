"""The live board: the canvas component and the routes that feed it."""
