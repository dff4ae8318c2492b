"""Who acts: agencies, command units, users with roles and clearance, sessions and tokens."""
