import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";

/**
 * Dropping an exception on "Ignored" asks for the reason (the Ignore wizard)
 * instead of writing the state: the server refuses an ignore without one.
 */
export class IntegrationExceptionKanbanRenderer extends KanbanRenderer {
    setup() {
        super.setup();
        this.action = useService("action");
    }

    async sortRecordDrop(dataRecordId, dataGroupId, params) {
        const list = this.props.list;
        const targetGroup = list.groups?.find((group) => group.id === params.parent?.dataset.id);
        if (
            list.groupByField?.name !== "state" ||
            targetGroup?.value !== "ignored" ||
            dataGroupId === targetGroup.id
        ) {
            return super.sortRecordDrop(dataRecordId, dataGroupId, params);
        }
        params.parent.classList.remove("o_kanban_hover");
        const record = list.records.find((r) => r.id === dataRecordId);
        await this.action.doAction("integration_core.integration_exception_ignore_action", {
            additionalContext: {
                active_model: "integration.exception",
                active_id: record.resId,
                active_ids: [record.resId],
            },
            onClose: () => list.model.load(),
        });
    }
}

registry.category("views").add("integration_exception_kanban", {
    ...kanbanView,
    Renderer: IntegrationExceptionKanbanRenderer,
});
