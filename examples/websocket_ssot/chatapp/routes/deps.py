"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from fastapi import Header, HTTPException, status

from chatapp.services.user_service import CurrentUser, UserService


def current_user(authorization: str = Header(default="")) -> CurrentUser:
    """The user of a `Bearer <token>` header, or 401."""
    scheme, _, token = authorization.partition(" ")
    user = UserService().from_token(token) if scheme.lower() == "bearer" else None
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or missing token")
    return user
