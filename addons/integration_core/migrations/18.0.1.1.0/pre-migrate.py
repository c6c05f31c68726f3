"""18.0.1.1.0: the distribution mapping kinds and their fallback switches
moved to integration_distribution.

The partner system form's old extension of this module names the switches
(``mapping_fallback_*``), which this module no longer defines: Odoo would
validate the form against it, and fail, before this update rewrites it. It is
dropped here and recreated without them by this update; the switches' values
and the mappings of the moved kinds stay as they are (integration_distribution
declares the same fields and selection values, and Odoo moves their external
ids to it).
"""


def migrate(cr, version):
    cr.execute(
        """
        DELETE FROM ir_ui_view
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'integration_core' AND model = 'ir.ui.view'
                         AND name = 'integration_system_view_form_mapping')
        """
    )
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'integration_core' AND model = 'ir.ui.view'
           AND name = 'integration_system_view_form_mapping'
        """
    )
