"""What identity declares: user management, the logon and purpose events, its messages,
its CLI group."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Manifest, Page, Permission, declare
from kuntur.identity import messages
from kuntur.identity.roles import ROLE_LABELS, Role

USERS_MANAGE = Permission(
    "users.manage",
    "Administrar usuarios, roles y accesos",
    roles=(Role.ADMIN,),
)

LOGIN_SUCCESS = EventType("auth.login.success", "Inicio de sesión")
LOGIN_FAILURE = EventType("auth.login.failure", "Inicio de sesión fallido")
LOGOUT = EventType("auth.logout", "Cierre de sesión")
LOGIN_RATE_LIMITED = EventType(
    "auth.rate_limited",
    "Intentos de inicio de sesión frenados (demasiados)",
)
STEP_UP_FAILURE = EventType(
    "auth.step_up.failure",
    "Reautenticación fallida (contraseña o código)",
)
TOKEN_REJECTED = EventType(
    "auth.token_rejected",
    "Credencial rechazada (token o sesión no válidos, vencidos o revocados)",
)
CSRF_FAILED = EventType("auth.csrf_failed", "Token CSRF ausente o incorrecto")
TOKEN_CREATED = EventType("auth.token.created", "Token de API emitido")
TOKEN_REVOKED = EventType("auth.token.revoked", "Token de API revocado")
SERVICE_ACCOUNT_CREATED = EventType(
    "auth.service_account.created", "Cuenta de servicio creada (para un sistema integrado)"
)
PURPOSE_MISSING = EventType("purpose.missing", "Consulta sin motivo rechazada")
PURPOSE_REFUSED = EventType("purpose.refused", "Motivo no válido rechazado")
USER_CREATED = EventType("user.created", "Usuario creado")
USER_DISABLED = EventType("user.disabled", "Usuario deshabilitado")
PERMISSION_GRANTED = EventType("permission.granted", "Permiso otorgado")
PERMISSION_REVOKED = EventType("permission.revoked", "Permiso revocado")

TEXTS: dict[str, str] = {
    "users": N_("Usuarios y accesos"),
    "users_intro": N_(
        "Cuentas, roles y segundo factor. Dar un acceso pide su contraseña y un código "
        "nuevo; nadie cambia su propia cuenta: lo hace otro administrador."
    ),
    "user_name": N_("Usuario"),
    "display_name": N_("Nombre"),
    "user_agency": N_("Agencia"),
    "roles": N_("Roles"),
    "clearance": N_("Nivel de acceso"),
    "second_factor": N_("Segundo factor"),
    "last_seen": N_("Último uso"),
    "account_state": N_("Estado"),
    "account_active": N_("Activa"),
    "account_disabled": N_("Deshabilitada"),
    "yes": N_("Sí"),
    "no": N_("No"),
    "never": N_("Nunca"),
    "new_user": N_("Nuevo usuario"),
    "initial_password": N_("Contraseña inicial (mín. 12)"),
    "your_password": N_("Su contraseña (confirmación)"),
    "your_code": N_("Su código de verificación"),
    "create_user": N_("Crear usuario"),
    "add_role": N_("Agregar rol"),
    "remove_role": N_("Quitar"),
    "disable_user": N_("Deshabilitar"),
    "confirm_disable": N_(
        "¿Deshabilitar la cuenta {user}? Todas sus sesiones y tokens terminan ahora."
    ),
    "enrol": N_(
        "Entregue este secreto a {user} en persona para su aplicación de autenticación "
        "(se muestra una sola vez):"
    ),
    "done": N_("Hecho"),
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
            SERVICE_ACCOUNT_CREATED,
        ),
        pages=(
            # The administrator's screen: accounts, roles, second factors.
            Page(
                "/usuarios", "users.html", USERS_MANAGE, nav="users", nav_order=80, active="users"
            ),
        ),
        texts={**messages.TEXT, **TEXTS},
        cli_group=("users", N_("Usuarios, roles y accesos.")),
        api=("views", "admin_views", "service_account_views"),
    )
)
