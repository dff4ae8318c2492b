"""Joint command: the command tree across agencies, units and their readiness, legal bases
for military action, and orders down the chain of command."""
