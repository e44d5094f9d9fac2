"""The domain rules of Recruit, as plain functions over models and small dataclasses."""
