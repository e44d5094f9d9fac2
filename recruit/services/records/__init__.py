"""The record: the audit log, refused requests, retention and erasure of personal data, and a person's
copy of what Recruit holds about them."""
