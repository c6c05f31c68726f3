"""18.0.1.2.0: exceptions that stay open are notified from now on: count
their occurrences as already told, so the first digest after the update
does not list every old repeat."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE integration_exception SET notified_count = count
         WHERE state IN ('new', 'in_progress')
        """
    )
