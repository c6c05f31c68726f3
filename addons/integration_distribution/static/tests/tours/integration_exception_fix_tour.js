import { registry } from "@web/core/registry";

/**
 * Warehouse staff fix an order a partner sent with an unknown SKU: open the
 * exception from the dashboard, create the missing mapping from it; saving
 * the mapping reprocesses the order waiting for it.
 */
registry.category("web_tour.tours").add("integration_exception_fix_tour", {
    steps: () => [
        {
            content: "the exception is on the dashboard",
            trigger: ".o_kanban_record:contains('SKU-TOUR-NEW')",
            run: "click",
        },
        {
            content: "it names the unmapped code",
            trigger: ".o_field_widget[name='mapping_code']:contains('SKU-TOUR-NEW')",
        },
        {
            content: "take it",
            trigger: ".o_statusbar_buttons button[name='action_take']",
            run: "click",
        },
        {
            content: "in progress",
            trigger: ".o_statusbar_status button[data-value='in_progress'][aria-checked='true']",
        },
        {
            content: "create the missing mapping",
            trigger: ".o_statusbar_buttons button[name='action_create_mapping']",
            run: "click",
        },
        {
            content: "the mapping form is pre-filled with the code",
            trigger: ".modal .o_field_widget[name='external_code'] input:value('SKU-TOUR-NEW')",
        },
        {
            content: "choose the Odoo product",
            trigger: ".modal .o_field_widget[name='res_id'] input",
            run: "edit API desk",
        },
        {
            content: "pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('API desk')",
            run: "click",
        },
        {
            content: "save the mapping",
            trigger: ".modal .modal-footer button[name='action_save_notify']",
            run: "click",
        },
        {
            content: "told what is mapped now, and that the waiting order was reprocessed",
            trigger: ".o_notification:contains('Mapping saved'):contains('SKU-TOUR-NEW'):contains('reprocessed')",
        },
        {
            content: "back on the exception",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "resolved by the mapping, nothing left to reprocess",
            trigger: ".o_statusbar_status button[data-value='resolved'][aria-checked='true']",
        },
    ],
});
