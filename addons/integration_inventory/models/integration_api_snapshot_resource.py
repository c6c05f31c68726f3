import base64
import binascii

from odoo import api, models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult


class IntegrationApiSnapshotResource(models.AbstractModel):
    """``GET /api/v1/snapshots/{id}``: a channel downloads its own snapshot."""

    _name = "integration.api.snapshot.resource"
    _description = "API resource: inventory snapshots"

    @api.model
    def _api_get(self, api_request):
        snapshot = self._find(api_request.system, api_request.path_params["id"])
        fmt = api_request.query.get("format") or "jsonl"
        content, content_type, digest = snapshot._content(fmt)
        return ApiResult(
            200,
            content,
            headers={
                "Content-Type": content_type,
                "Repr-Digest": f"sha-256=:{base64.b64encode(binascii.unhexlify(digest)).decode()}:",
                "X-Record-Count": str(snapshot.record_count),
                "Content-Disposition": f'attachment; filename="snapshot-{snapshot.id}.{fmt}"',
            },
        )

    @api.model
    def _find(self, system, snapshot_id):
        """The system's own snapshot; another system's is "not found" (404,
        not 403: its existence is none of the caller's business)."""
        snapshot = self.env["integration.inventory.snapshot"].sudo()
        if snapshot_id.isdigit() and len(snapshot_id) < 10:
            snapshot = snapshot.search(
                [("id", "=", int(snapshot_id)), ("system_id", "=", system.id)], limit=1
            )
        if not snapshot:
            raise ApiError(
                404,
                "Snapshot not found",
                f"No snapshot {snapshot_id} of this system (expired ones are purged).",
                problem_type="not-found",
            )
        return snapshot
