import { registry } from "@web/core/registry";

/**
 * A clerk corrects a declared field of a kept order (a mistyped SKU) from
 * its exception; the order is reprocessed and the audit trail shows who
 * changed what.
 */
registry.category("web_tour.tours").add("integration_exception_edit_tour", {
    steps: () => [
        {
            content: "the exception of the mistyped SKU",
            trigger: ".o_kanban_record:contains('SKU-DSEK')",
            run: "click",
        },
        {
            content: "correct the message",
            trigger: ".o_statusbar_buttons button[name='action_open_edit_wizard']",
            run: "click",
        },
        {
            content: "the declared field with the value as received",
            trigger: ".modal .o_data_row:contains('Line 1 sku'):contains('SKU-DSEK') td[name='new_value']",
            run: "click",
        },
        {
            content: "type the right SKU",
            trigger: ".modal .o_data_row.o_selected_row td[name='new_value'] input",
            run: "edit SKU-DESK",
        },
        {
            content: "save and reprocess",
            trigger: ".modal-footer button[name='action_apply']",
            run: "click",
        },
        {
            content: "told it worked",
            trigger: ".o_notification:contains('Corrected and reprocessed')",
        },
        {
            content: "the exception is resolved",
            trigger: ".o_statusbar_status button[data-value='resolved'][aria-checked='true']",
        },
        {
            content: "open the audit trail",
            trigger: ".o_notebook .nav-link[name='edits']",
            run: "click",
        },
        {
            content: "who changed what, before and after",
            trigger: ".o_field_widget[name='edit_log_ids'] .o_data_row:contains('Line 1 sku'):contains('SKU-DSEK'):contains('SKU-DESK'):contains('Clara Clerk')",
        },
    ],
});
