"""Identity's messages (logon, limits), Spanish first: the API answers with them and the
login page shows them (``web.i18n`` takes them in)."""

from __future__ import annotations

from kuntur.core.i18n import render

TEXT: dict[str, tuple[str, str]] = {
    "login_failed": (
        "Usuario, contraseña o código incorrectos",
        "Wrong username, password or code",
    ),
    # Said only once the password was right: the account needs its second factor.
    "login_totp_needed": (
        "Esta cuenta requiere el código de verificación (segundo factor): escríbalo y vuelva "
        "a intentar",
        "This account needs its verification code (second factor): enter it and try again",
    ),
    # {n} and {s}: see ``message`` (both languages make these plurals with an "s").
    "login_locked": (
        "Cuenta bloqueada por intentos fallidos; intente de nuevo en {n} minuto{s}",
        "Account locked after failed attempts; try again in {n} minute{s}",
    ),
    "login_too_many": (
        "Demasiados intentos de inicio de sesión; intente de nuevo en {n} segundo{s}",
        "Too many logon attempts; try again in {n} second{s}",
    ),
    # Caps on what a logon or token form takes, checked before any hashing or storing.
    "username_too_long": (
        "El usuario admite a lo sumo {n} caracteres",
        "The username takes at most {n} characters",
    ),
    "password_too_long": (
        "La contraseña admite a lo sumo {n} caracteres",
        "The password takes at most {n} characters",
    ),
    "totp_too_long": (
        "El código de verificación admite a lo sumo {n} caracteres",
        "The verification code takes at most {n} characters",
    ),
    "label_too_long": (
        "El nombre del token admite a lo sumo {n} caracteres",
        "The token name takes at most {n} characters",
    ),
}


def message(key: str, lang: str | None = None, **values: object) -> str:
    return render(TEXT[key], lang, **values)
