"""Corrections."""


def connect() -> None:
    pass
