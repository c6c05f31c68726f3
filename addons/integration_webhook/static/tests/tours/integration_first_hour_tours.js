import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const KEY_ALARM = "No encryption key configured";

/**
 * An admin subscribes a partner with Ed25519 (v1a) signatures and gets what
 * to give the partner: the public key and the keys URL, never the private key.
 */
tours.add("integration_v1a_subscription_tour", {
    steps: () => [
        {
            content: "new subscription",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "the form is open",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
        },
        {
            content: "the key is configured: no alarm",
            trigger: `.o_form_view:not(:has(.alert:contains('${KEY_ALARM}')))`,
        },
        {
            content: "its name",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Partner with public keys",
        },
        {
            content: "the partner's endpoint",
            trigger: ".o_field_widget[name='target_url'] input",
            run: "edit https://hooks.example.com/v1a",
        },
        {
            content: "Ed25519 signatures",
            trigger: ".o_field_widget[name='signing_scheme'] select",
            run: 'select "v1a"',
        },
        {
            content: "the events it wants",
            trigger: ".o_notebook .nav-link[name='events']",
            run: "click",
        },
        {
            content: "look for the ping event",
            trigger: ".o_field_widget[name='event_type_ids'] input",
            run: "edit integration.ping",
        },
        {
            content: "pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('integration.ping')",
            run: "click",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "no 'Show secret' for a key pair",
            trigger: ".o_statusbar_buttons:not(:has(button:contains('Show secret')))",
        },
        {
            content: "show what to give the partner",
            trigger: ".o_statusbar_buttons button[name='action_reveal_new_secret']:contains('Show public key')",
            run: "click",
        },
        {
            content: "the scheme is named",
            trigger: ".modal .o_field_widget[name='scheme']:contains('Ed25519')",
        },
        {
            content: "the public key",
            trigger: ".modal .o_field_widget[name='public_key']:contains('whpk_')",
        },
        {
            content: "the public keys URL",
            trigger: ".modal .o_field_widget[name='public_keys_url']:contains('/keys.json')",
        },
        {
            content: "never the private key, no 'copy it now'",
            trigger: ".modal:not(:contains('whsk_')):not(:contains('Copy it now'))",
        },
        {
            content: "done",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

/** Settings, then a new subscription: is the "no encryption key" banner there? */
function keyBannerSteps(shown) {
    const banner = `.alert:contains('${KEY_ALARM}')`;
    const check = (where) =>
        shown
            ? { content: `${where}: the banner says the key is missing`, trigger: `${where} ${banner}` }
            : { content: `${where}: no false alarm`, trigger: `${where}:not(:has(${banner}))` };
    return [
        {
            content: "the integration settings are open",
            trigger: ".o_field_widget[name='integration_event_source'] input",
            timeout: 30000, // the settings views are slow to build
        },
        check(".o_form_view"),
        {
            content: "open a new subscription",
            trigger: "body",
            run() {
                window.location.href = "/odoo/action-integration_webhook.integration_subscription_action/new";
            },
            expectUnloadPage: true,
        },
        {
            content: "the new subscription form is open",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            timeout: 30000,
        },
        check(".o_form_view"),
    ];
}

tours.add("integration_key_configured_tour", { steps: () => keyBannerSteps(false) });
tours.add("integration_key_missing_tour", { steps: () => keyBannerSteps(true) });

/** A test send to an endpoint that fails: the admin is told, nothing more. */
tours.add("integration_failed_test_send_tour", {
    steps: () => [
        {
            content: "open the failing receiver's subscription",
            trigger: ".o_data_row:contains('Tour receiver') td.o_data_cell",
            run: "click",
        },
        {
            content: "send a test event",
            trigger: ".o_statusbar_buttons button[name='action_send_test_event']",
            run: "click",
        },
        {
            content: "told it failed",
            trigger: ".o_notification:contains('Test event failed'):contains('HTTP 500')",
        },
    ],
});
