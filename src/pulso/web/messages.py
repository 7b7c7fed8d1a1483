"""English for every visible Spanish string of the web app (Spanish is written first)."""

from __future__ import annotations

EN: dict[str, str] = {
    "Tasa de cierre": "Close rate",  # the example in i18n.py's docstring
    # navigation, layout, period picker
    "Resumen": "Overview", "Ventas": "Sales", "Equipo": "Team", "Retención": "Retention", "Clientes": "Customers",
    "Servicio": "Service", "Marketing": "Marketing", "Adopción": "Adoption", "Indicadores": "KPIs",
    "Áreas": "Areas", "Salir": "Sign out", "Filtros": "Filters", "Quitar filtros": "Clear filters",
    "Periodo": "Period", "Periodo anterior": "Previous period", "Periodo siguiente": "Next period",
    "Mes": "Month", "Trimestre": "Quarter", "Año": "Year", "Personalizado": "Custom", "Día": "Day",
    "Semana": "Week", "Fecha": "Date", "Desde": "From", "Hasta": "To", "Detalle": "Grain", "por": "by",
    "Aplicar": "Apply", "toda la empresa": "whole company", "equipo": "team", "tus registros": "your records",
    "Administración": "Admin", "Responsable de equipo": "Team manager", "Comercial": "Sales rep", "Lectura": "Viewer",
    # sign-in and errors
    "Entrar": "Sign in", "Inicia sesión": "Sign in", "Correo electrónico": "E-mail", "Contraseña": "Password",
    "Inicia sesión para ver los indicadores de tu negocio.": "Sign in to see your business's KPIs.",
    "Correo o contraseña incorrectos.": "Wrong e-mail or password.",
    "Demasiados intentos fallidos. Espera {n} minutos y vuelve a probar.":
        "Too many failed attempts. Wait {n} minutes and try again.",
    "Formulario caducado": "Form expired", "Sin acceso": "No access", "Fuera de tu alcance": "Outside your scope",
    "Demasiados intentos": "Too many attempts", "No encontrado": "Not found", "Consulta no válida": "Invalid query",
    "Periodo no válido": "Invalid period", "Espacio de trabajo no disponible": "Workspace unavailable",
    "Error": "Error", "Método no permitido": "Method not allowed", "Volver al resumen": "Back to the overview",
    # malformed URL parameters (pulso.web.periods, shared with the API)
    "'{name}' no admite '{value}'; usa uno de: {choices}": "'{name}' does not take '{value}'; use one of: {choices}",
    "'{name}' debe ser una fecha AAAA-MM-DD, no '{value}'": "'{name}' must be a date YYYY-MM-DD, not '{value}'",
    "'{name}' debe caer entre {first} y {last}": "'{name}' must fall between {first} and {last}",
    "'to' es anterior a 'from': el periodo termina antes de empezar": "'to' is before 'from': the period ends before it starts",
    "El periodo dura más de {days} días (cinco años); acórtalo": "the period is longer than {days} days (five years); shorten it",
    "'{name}' debe ser un número entre 1 y {last}, no '{value}'": "'{name}' must be a number between 1 and {last}, not '{value}'",
    "Falta o está mal formado: {fields}": "missing or malformed: {fields}",
    "'{name}' no puede contener el carácter NUL": "'{name}' may not contain a NUL character",
    # tiles and shared sections
    "frente al periodo anterior": "against the previous period", "sin comparación": "no comparison", "sin datos": "no data",
    "No disponible con tu alcance": "Not available in your scope",
    "Falta el tipo de cambio a {reporting} de {currencies}": "No exchange rate into {reporting} for {currencies}", "(sin valor)": "(no value)",
    "No hay datos de {names} en este periodo. Impórtalos desde tu CRM o una hoja de cálculo, "
    "o genera un espacio de demostración con `pulso demo`; después elige otro periodo si hace falta.":
        "There is no {names} data in this period. Import it from your CRM or a spreadsheet, or build a demo "
        "workspace with `pulso demo`; then pick another period if needed.",
    "Total del alcance": "Scope total", "sí": "yes", "no": "no",
    # data sources named by empty states
    "oportunidades (deals)": "deals", "leads": "leads", "clientes (accounts)": "customers (accounts)",
    "actividades": "activities", "tickets de soporte": "support tickets", "respuestas de encuestas": "survey responses",
    "pedidos (orders)": "orders", "suscripciones": "subscriptions", "gastos (spend)": "spend", "campañas": "campaigns",
    "visitas web (web_sessions)": "web visits (web_sessions)", "cuotas (quotas)": "quotas",
    "eventos de uso del CRM (usage_events)": "CRM usage events (usage_events)", "usuarios": "users",
    # stored enumerations shown as dimension values
    "llamada": "call", "correo": "e-mail", "reunión": "meeting", "mensaje de voz": "voicemail", "tarea": "task",
    "nota": "note", "nueva": "new", "ampliación": "upsell", "venta cruzada": "cross-sell", "renovación": "renewal",
    "baja": "low", "media": "medium", "alta": "high", "urgente": "urgent", "marketing": "marketing",
    "ventas": "sales", "retención": "retention",
    # dimensions
    "Origen": "Source", "Campaña": "Campaign", "Segmento": "Segment", "País": "Country", "Canal": "Channel",
    "Tipo de venta": "Deal kind", "Prioridad": "Priority", "Etapa": "Stage", "Tipo de actividad": "Activity type",
    "Plan": "Plan", "Categoría": "Category",
    # overview
    "Cada cifra se compara con el periodo anterior: verde si mejora, rojo si empeora. Toca una para ver por qué.":
        "Each figure is compared with the previous period: green when it improves, red when it worsens. Tap one to see why.",
    # sales
    "Indicadores de venta": "Sales KPIs", "Embudo de conversión": "Conversion funnel",
    "Embudo: paso y pérdida por etapa": "Funnel: step rate and drop-off by stage",
    "Visitantes": "Visitors", "Leads": "Leads", "MQL": "MQL", "SQL": "SQL", "Cantidad": "Count", "Paso": "Step rate",
    "Pérdida": "Drop-off",
    "Cada etapa cuenta lo ocurrido en el periodo; el paso es la tasa de conversión de la etapa anterior.":
        "Each stage counts what happened in the period; the step rate is the conversion rate from the stage before.",
    "Pipeline por etapa": "Pipeline by stage",
    "Oportunidades abiertas y su antigüedad por comercial": "Open opportunities and their age per rep",
    "Cumplimiento de cuota por mes, trimestre y año": "Quota attainment by month, quarter and year",
    # team
    "Actividades por comercial y tipo": "Activities per rep and type", "Actividades": "Activities",
    "Alcance de actividades por comercial": "Activity reach per rep",
    "Conversión por comercial frente al equipo": "Conversion per rep against the team", "Clasificación": "Leaderboard",
    # retention
    "Retención y lealtad": "Retention and loyalty", "Retención por segmento": "Retention by segment",
    "Retención por cohorte mensual": "Monthly cohort retention", "Cohorte": "Cohort",
    "Proporción de cada cohorte que sigue siendo cliente al final de cada mes.":
        "Share of each cohort still a customer at the end of each month.",
    # customers
    "Percepción del cliente": "Customer perception", "Promotores, pasivos y detractores": "Promoters, passives and detractors",
    "Promotores (9–10)": "Promoters (9–10)", "Pasivos (7–8)": "Passives (7–8)", "Detractores (0–6)": "Detractors (0–6)",
    "Respuestas NPS": "NPS answers", "{n} respuestas en el periodo.": "{n} answers in the period.",
    "Percepción por segmento": "Perception by segment",
    # service
    "Atención al cliente": "Customer service", "Casos abiertos en el periodo": "Cases opened in the period",
    "Por prioridad": "By priority", "Por canal": "By channel",
    # marketing
    "Origen de leads: volumen y calidad": "Lead sources: volume and quality",
    "Campañas: respuestas, ingresos y ROI": "Campaigns: responses, revenue and ROI", "CAC por canal": "CAC by channel",
    # adoption
    "Uso del CRM": "CRM usage", "Uso por persona": "Usage per person",
    # KPI detail
    "Indicador": "KPI", "Clave": "Key", "Unidad": "Unit", "Dividir por": "Split by", "Cómo se calcula": "How it is computed", "Fórmula": "Formula",
    "Registros detrás de la cifra": "Records behind the figure", "Ningún registro en este periodo.": "No records in this period.",
    "Numerador": "Numerator", "Denominador": "Denominator", "Anterior": "Previous", "Siguiente": "Next", "Página": "Page",
    # drill-down columns
    "Id": "Id", "Nombre": "Name", "Título": "Title", "Importe": "Amount", "Moneda": "Currency", "Estado": "Status",
    "Tipo": "Kind", "Creado": "Created", "Cerrado": "Closed", "Responsable": "Owner", "Cliente": "Customer",
    "Lead": "Lead", "Correo": "E-mail", "Empresa": "Company", "Abierto": "Opened", "Resuelto": "Resolved",
    "Primera respuesta": "First response", "Puntuación": "Score", "Respondido": "Answered", "Cliente desde": "Customer since",
    "Baja": "Churned", "Convertido": "Converted", "Pedido": "Ordered", "Inicio": "Start", "Fin": "End",
    "Duración (s)": "Duration (s)", "Usuario": "User", "Acción": "Action", "Fin de contrato": "Term end",
    "Renovada": "Renewed", "Visitante": "Visitor", "Coste": "Cost", "Registro": "Record", "Aporte": "Contribution",
    "Tabla": "Table",
}

# Each later feature keeps its strings in its own module.
from pulso.web import messages_api, messages_data, messages_goals  # noqa: E402

for _module in (messages_api, messages_data, messages_goals):
    EN.update(_module.EN)
