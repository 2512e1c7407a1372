"""Language and completeness: blame nudges and the checklist of a finished postmortem."""
