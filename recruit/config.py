"""Configuration from environment variables only; no secrets in code."""
import os


class Config:
    RECRUIT_ENV = os.environ.get("RECRUIT_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-key-change-me")
    # None means "SQLite in the instance folder", resolved in create_app once
    # the instance path is known.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEEDS_DIR = os.environ.get("RECRUIT_SEEDS_DIR") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds"
    )
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    RECRUIT_ENV = "test"
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
