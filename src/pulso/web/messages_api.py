"""English for the Spanish strings of this feature's pages (merged into messages.EN)."""

from __future__ import annotations

EN: dict[str, str] = {
    # navigation
    "Tokens de API": "API tokens", "Auditoría": "Audit log",
    # tokens page
    "Tokens": "Tokens", "Rol": "Role", "Alcance": "Scope", "Creado": "Created", "Último uso": "Last used",
    "revocado": "revoked", "activo": "active", "Todavía no hay tokens.": "No tokens yet.",
    "Token creado": "Token created",
    "Cópialo ahora: no se volverá a mostrar. Envíalo en la cabecera Authorization: Bearer.":
        "Copy it now: it will not be shown again. Send it in the Authorization: Bearer header.",
    "Nuevo token": "New token", "Equipo (id)": "Team (id)", "Usuario (id)": "User (id)", "Crear token": "Create token",
    "Un token de comercial necesita su usuario; uno de responsable, su equipo o su usuario. Sin equipo, un token de lectura ve toda la empresa.":
        "A rep token needs its user; a manager token its team or its user. Without a team, a viewer token sees the whole company.",
    "Revocar": "Revoke",
    # audit page
    "Todo": "All", "Accesos": "Sign-ins", "Escrituras y borrados": "Writes and deletes", "Exportaciones": "Exports",
    "Usuarios y roles": "Users and roles", "Cuándo": "When", "Quién": "Who", "Acción": "Action",
    "Sobre qué": "Target", "Detalle": "Detail", "Registro de auditoría": "Audit log",
    "Nada registrado todavía.": "Nothing recorded yet.",
}
