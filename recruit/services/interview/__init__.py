"""After the sift: interview invitations and replies, the question bank, the merit list and offers."""
