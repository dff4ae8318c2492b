"""What identity declares: user management, the logon and purpose events, its messages,
its CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Manifest, Page, Permission, declare
from kuntur.identity import messages
from kuntur.identity.roles import ROLE_LABELS, Role

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

TEXTS: dict[str, tuple[str, str]] = {
    "users": ("Usuarios y accesos", "Users and access"),
    "users_intro": (
        "Cuentas, roles y segundo factor. Dar un acceso pide su contraseña y un código "
        "nuevo; nadie cambia su propia cuenta: lo hace otro administrador.",
        "Accounts, roles and second factor. Giving access asks for your password and a new "
        "code; nobody changes their own account: another administrator does.",
    ),
    "user_name": ("Usuario", "Username"),
    "display_name": ("Nombre", "Name"),
    "user_agency": ("Agencia", "Agency"),
    "roles": ("Roles", "Roles"),
    "clearance": ("Nivel de acceso", "Clearance"),
    "second_factor": ("Segundo factor", "Second factor"),
    "last_seen": ("Último uso", "Last used"),
    "account_state": ("Estado", "State"),
    "account_active": ("Activa", "Active"),
    "account_disabled": ("Deshabilitada", "Disabled"),
    "yes": ("Sí", "Yes"),
    "no": ("No", "No"),
    "never": ("Nunca", "Never"),
    "new_user": ("Nuevo usuario", "New user"),
    "initial_password": ("Contraseña inicial (mín. 12)", "Initial password (min. 12)"),
    "your_password": ("Su contraseña (confirmación)", "Your password (confirmation)"),
    "your_code": ("Su código de verificación", "Your verification code"),
    "create_user": ("Crear usuario", "Create user"),
    "add_role": ("Agregar rol", "Add role"),
    "remove_role": ("Quitar", "Remove"),
    "disable_user": ("Deshabilitar", "Disable"),
    "confirm_disable": (
        "¿Deshabilitar la cuenta {user}? Todas sus sesiones y tokens terminan ahora.",
        "Disable the account {user}? All its sessions and tokens end now.",
    ),
    "enrol": (
        "Entregue este secreto a {user} en persona para su aplicación de autenticación "
        "(se muestra una sola vez):",
        "Give this secret to {user} in person for their authenticator app (shown once):",
    ),
    "done": ("Hecho", "Done"),
    **{f"role_{role.value}": label for role, label in ROLE_LABELS.items()},
}

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
        pages=(
            # The administrator's screen: accounts, roles, second factors.
            Page(
                "/usuarios", "users.html", USERS_MANAGE, nav="users", nav_order=80, active="users"
            ),
        ),
        texts={**messages.TEXT, **TEXTS},
        cli_group=("users", "Usuarios, roles y accesos."),
        api=("views", "admin_views"),
    )
)
