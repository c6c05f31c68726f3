import { registry } from "@web/core/registry";

/** In the Ignore dialog: a reason is required, then the exception is ignored. */
function ignoreWithReason(reason) {
    return [
        {
            content: "the dialog asks why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
        },
        {
            content: "ignore without a reason",
            trigger: ".modal .modal-footer button[name='action_ignore']",
            run: "click",
        },
        {
            content: "refused: the reason is required",
            trigger: ".modal .o_field_widget[name='reason'].o_field_invalid",
        },
        {
            content: "say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: `edit ${reason}`,
        },
        {
            content: "ignore it",
            trigger: ".modal .modal-footer button[name='action_ignore']",
            run: "click",
        },
        {
            content: "the dialog is gone",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

/**
 * A clerk ignores two exceptions: one with the Ignore button of its form,
 * one by dragging its card to the "Ignored" column. Both ways ask for the
 * reason.
 */
registry.category("web_tour.tours").add("integration_exception_ignore_tour", {
    steps: () => [
        {
            content: "open the exception to ignore by button",
            trigger: ".o_kanban_record:contains('TOUR-BUTTON')",
            run: "click",
        },
        {
            content: "ignore it",
            trigger: ".o_statusbar_buttons button[name='action_open_ignore_wizard']",
            run: "click",
        },
        ...ignoreWithReason("Sample SKU from the onboarding"),
        {
            content: "ignored",
            trigger: ".o_statusbar_status button[data-value='ignored'][aria-checked='true']",
        },
        {
            content: "the reason is in the chatter",
            trigger: ".o-mail-Message:contains('Ignored: Sample SKU from the onboarding')",
        },
        {
            content: "back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "drag the other card to Ignored",
            trigger: ".o_kanban_record:contains('TOUR-DRAG')",
            run: "drag_and_drop (.o_kanban_group:has(.o_column_title:contains('Ignored')))",
        },
        ...ignoreWithReason("Duplicate of an order already fixed"),
        {
            content: "the ignored card leaves the open queue",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_record:contains('TOUR-DRAG')))",
        },
    ],
});
