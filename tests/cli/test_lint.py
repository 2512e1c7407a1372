import subprocess
import sys

from postmortem_canvas import main


def test_lint_prints_each_flag_with_its_line_and_exits_1(tmp_path, capsys):
    doc = tmp_path / "postmortem.md"
    doc.write_text("# Outage\n\nThe alert should fire within 5 minutes.\n"
                   "Ops should have rolled back sooner.\n```\nhuman error in a code block\n```\n")
    status = main(["lint", str(doc)])
    out, err = capsys.readouterr()
    assert status == 1
    [line] = out.splitlines()
    assert line.startswith(f"{doc}:4:") and '"should have' in line and "Try:" in line
    assert "1 phrase flagged" in err


def test_lint_of_clean_text_exits_0(tmp_path, capsys):
    doc = tmp_path / "clean.md"
    doc.write_text("The health check failed to detect the deadlock.\n")
    assert main(["lint", str(doc)]) == 0
    assert capsys.readouterr().out == ""


def test_lint_reads_standard_input():
    result = subprocess.run([sys.executable, "-m", "postmortem_canvas", "lint", "-"],
                            input="This was human error.\n", capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.startswith("<stdin>:1:")


def test_lint_of_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["lint", str(tmp_path / "nope.md")]) == 2
    assert "No such file" in capsys.readouterr().err
