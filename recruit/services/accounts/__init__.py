"""People's accounts: registration and invitations, sign-in, passwords, two-factor, lockout, single-use
tokens, and the emails about them."""
