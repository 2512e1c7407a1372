"""Jira Cloud descriptions: Atlassian Document Format read as Markdown on a
card, and a card's Markdown written back as a document that reads the same."""

import pytest

from integrations.adf import from_markdown, to_markdown

SAVED_FROM_A_CARD = [
    "One line",
    "Two lines\nin one paragraph",
    "Make the pager **quieter** and *calmer*, see `pager.yml` and [the runbook](https://rb.example)",
    "## Acceptance criteria\n\n- alerts deduplicated\n- runbook linked\n  - from the alert\n\nDone when both hold.",
    "1. first\n2. second\n3. third",
    "> a customer said\n> it was slow\n\n---\n\n```sql\nselect 1;\n```",
    "- [ ] write the test\n- [x] agree the limit",
    "~~old plan~~ new plan",
    "",
]


@pytest.mark.parametrize("text", SAVED_FROM_A_CARD)
def test_markdown_saved_from_a_card_reads_back_unchanged(text):
    assert to_markdown(from_markdown(text)) == text


def test_a_written_document_is_valid_adf_without_empty_text():
    doc = from_markdown("# Title\n\n**bold**\n\n- a\n\n\n")
    assert doc["type"] == "doc" and doc["version"] == 1

    def texts(node):
        if node.get("type") == "text":
            yield node["text"]
        for child in node.get("content", []):
            yield from texts(child)
    assert list(texts(doc)) == ["Title", "bold", "a"]
    assert doc["content"][1]["content"][0]["marks"] == [{"type": "strong"}]


def test_a_document_written_in_jira_keeps_all_its_text():
    doc = {"type": "doc", "version": 1, "content": [
        {"type": "panel", "attrs": {"panelType": "info"}, "content": [
            {"type": "paragraph", "content": [
                {"type": "text", "text": "Heads up "},
                {"type": "mention", "attrs": {"id": "acc-1", "text": "@Ann"}},
                {"type": "emoji", "attrs": {"shortName": ":fire:", "text": "🔥"}}]}]},
        {"type": "orderedList", "attrs": {"order": 3}, "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "third"}]}]}]},
        {"type": "table", "content": [{"type": "tableRow", "content": [
            {"type": "tableCell", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "cell"}]}]}]}]},
        {"type": "paragraph", "content": [
            {"type": "inlineCard", "attrs": {"url": "https://x.example/1"}}]},
    ]}
    assert to_markdown(doc) == "Heads up @Ann🔥\n\n3. third\n\ncell\n\nhttps://x.example/1"


def test_no_description_is_empty_and_wiki_text_is_kept_as_it_is():
    assert to_markdown(None) == ""
    assert to_markdown("h2. Wiki *bold*") == "h2. Wiki *bold*"
