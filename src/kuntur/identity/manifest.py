"""What identity declares: user management, the logon and purpose events, its messages,
its CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Manifest, Permission, declare
from kuntur.identity import messages
from kuntur.identity.roles import Role

USERS_MANAGE = Permission(
    "users.manage",
    "Administrar usuarios, roles y accesos",
    "Manage users, roles and access",
    roles=(Role.ADMIN,),
)

LOGIN_SUCCESS = EventType("auth.login.success", "Inicio de sesión", "Logon")
LOGIN_FAILURE = EventType("auth.login.failure", "Inicio de sesión fallido", "Failed logon")
LOGOUT = EventType("auth.logout", "Cierre de sesión", "Logoff")
LOGIN_RATE_LIMITED = EventType(
    "auth.rate_limited",
    "Intentos de inicio de sesión frenados (demasiados)",
    "Logon attempts throttled (too many)",
)
STEP_UP_FAILURE = EventType(
    "auth.step_up.failure",
    "Reautenticación fallida (contraseña o código)",
    "Step-up authentication failed (password or code)",
)
TOKEN_REJECTED = EventType(
    "auth.token_rejected",
    "Credencial rechazada (token o sesión no válidos, vencidos o revocados)",
    "Credential rejected (token or session invalid, expired or revoked)",
)
CSRF_FAILED = EventType(
    "auth.csrf_failed", "Token CSRF ausente o incorrecto", "Missing or wrong CSRF token"
)
TOKEN_CREATED = EventType("auth.token.created", "Token de API emitido", "API token issued")
TOKEN_REVOKED = EventType("auth.token.revoked", "Token de API revocado", "API token revoked")
PURPOSE_MISSING = EventType(
    "purpose.missing", "Consulta sin motivo rechazada", "Request without purpose refused"
)
PURPOSE_REFUSED = EventType(
    "purpose.refused", "Motivo no válido rechazado", "Invalid purpose refused"
)
USER_CREATED = EventType("user.created", "Usuario creado", "User created")
USER_DISABLED = EventType("user.disabled", "Usuario deshabilitado", "User disabled")
PERMISSION_GRANTED = EventType("permission.granted", "Permiso otorgado", "Permission granted")
PERMISSION_REVOKED = EventType("permission.revoked", "Permiso revocado", "Permission revoked")

MANIFEST = declare(
    Manifest(
        domain="identity",
        permissions=(USERS_MANAGE,),
        events=(
            LOGIN_SUCCESS,
            LOGIN_FAILURE,
            LOGOUT,
            LOGIN_RATE_LIMITED,
            STEP_UP_FAILURE,
            TOKEN_REJECTED,
            CSRF_FAILED,
            TOKEN_CREATED,
            TOKEN_REVOKED,
            PURPOSE_MISSING,
            PURPOSE_REFUSED,
            USER_CREATED,
            USER_DISABLED,
            PERMISSION_GRANTED,
            PERMISSION_REVOKED,
        ),
        texts=messages.TEXT,
        cli_group=("users", "Usuarios, roles y accesos."),
    )
)
