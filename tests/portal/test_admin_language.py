"""Screen readers hear the back office in Chinese (issue #15, 2.10): Django's admin draws the
navigation as tables with hidden column headers ("Model name", "Add link", …) that its Chinese
catalogue lacks; locale/zh_Hans gives them Chinese names."""

from django.urls import reverse


def test_the_navigation_tables_hidden_headers_are_chinese(client, world):
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_changelist")).text
    for english, chinese in (("Model name", "栏目"), ("Add link", "新增链接"),
                             ("Change or view list link", "修改或查看列表链接")):
        assert english not in page
        assert f'<th scope="col">{chinese}</th>' in page
