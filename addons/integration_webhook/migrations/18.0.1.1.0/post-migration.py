"""Dead-delivery exceptions learn which deliveries they are about.

Before 18.0.1.1.0 an exception hung on its subscription only and stayed open
after its deliveries were replayed and delivered. Link the deliveries still
dead (or replayed and not yet delivered) to their subscription's open
exception; an open one left without any is over: resolve it.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE integration_delivery d
           SET dead_exception_id = e.id
          FROM integration_exception e
         WHERE e.kind = 'dead_delivery'
           AND e.state IN ('new', 'in_progress')
           AND e.fingerprint = 'dead-deliveries:' || d.subscription_id
           AND d.dead_exception_id IS NULL
           AND (d.state = 'dead' OR (d.state = 'pending' AND d.replay_count > 0))
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    over = env["integration.exception"].search(
        [
            ("kind", "=", "dead_delivery"),
            ("state", "in", ("new", "in_progress")),
            ("fingerprint", "=like", "dead-deliveries:%"),
        ]
    )
    cr.execute(
        "SELECT DISTINCT dead_exception_id FROM integration_delivery "
        "WHERE dead_exception_id IN %s",
        (tuple(over.ids) or (0,),),
    )
    linked = {row[0] for row in cr.fetchall()}
    over.filtered(lambda e: e.id not in linked).action_resolve(
        "Every delivery it was about has been delivered (found on upgrade)."
    )
