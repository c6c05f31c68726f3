from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSchemaUrl(HttpCase):
    def test_dataschema_url_serves_the_schema(self):
        event = self.env["integration.event"]._emit(
            "integration.ping", {"message": "x"}
        )
        path = event.to_cloudevent()["dataschema"].split("/integration/", 1)[1]
        response = self.url_open(f"/integration/{path}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["title"], "integration.ping v1")
        self.assertEqual(
            self.url_open("/integration/schemas/nope/1.json").status_code, 404
        )
