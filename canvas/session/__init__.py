"""Session rules: phases, who may do what, voting, grouping, what each viewer may see."""
