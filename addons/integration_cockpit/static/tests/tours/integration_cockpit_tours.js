import { registry } from "@web/core/registry";

/**
 * A clerk opens the Integrations overview, reads the card of a partner
 * system, opens its exceptions older than a day and then one of them.
 */
registry.category("web_tour.tours").add("integration_cockpit_clerk_tour", {
    steps: () => [
        {
            content: "the overview has a card per system",
            trigger: ".o_integration_cockpit .o_kanban_record:contains('Tour shop')",
        },
        {
            content: "the card counts the open exceptions",
            trigger: ".o_kanban_record:contains('Tour shop') .o_integration_cockpit_exceptions:contains('2 open exceptions')",
        },
        {
            content: "and names their kinds",
            trigger: ".o_kanban_record:contains('Tour shop') .o_integration_cockpit_kinds:contains('Business rule')",
        },
        {
            content: "and the deliveries waiting",
            trigger: ".o_kanban_record:contains('Tour shop') .o_integration_cockpit_deliveries",
        },
        {
            content: "open the exceptions older than 24 hours",
            trigger: ".o_kanban_record:contains('Tour shop') a.o_integration_cockpit_old",
            run: "click",
        },
        {
            content: "the list is grouped by kind: open the group",
            trigger: ".o_list_view .o_group_header:contains('Business rule')",
            run: "click",
        },
        {
            content: "the old exception is there, the fresh one is not",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('TOUR-FRESH'))) .o_data_row:contains('TOUR-OLD')",
        },
        {
            content: "open it",
            trigger: ".o_data_row:contains('TOUR-OLD') td.o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "its form opens",
            trigger: ".o_breadcrumb .active:contains('TOUR-OLD')",
        },
        {
            content: "back to the overview through the breadcrumb",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Overview')",
            run: "click",
        },
        {
            content: "the overview again",
            trigger: ".o_integration_cockpit .o_kanban_record:contains('Tour shop')",
        },
    ],
});

/** A manager reads the SLA time series as a graph, a pivot and a list. */
registry.category("web_tour.tours").add("integration_cockpit_manager_sla_tour", {
    steps: () => [
        {
            content: "the SLA measures open as a graph",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "a row per partner system",
            trigger: ".o_pivot th.o_pivot_header_cell_closed:contains('Tour shop')",
        },
        {
            content: "a column per measure",
            trigger: ".o_pivot th:contains('Order acceptance lag')",
        },
        {
            content: "switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "the daily bucket with its misses",
            trigger: ".o_list_view .o_data_row:contains('Tour shop'):contains('Order acceptance lag') td[name='missed']:contains('3')",
        },
    ],
});
