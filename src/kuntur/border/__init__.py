"""Border control (issue 17): watchlists, screening with explanations, decisions."""
