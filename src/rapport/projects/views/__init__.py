"""Project pages: list, detail, forms, the Gantt chart, the task board, the
utilisation heatmap and the schedule risks.

Views are thin: they parse the request, call one selector or service and render.
A project outside the user's scope is a 404 page, a forbidden action a 403 page.
"""
