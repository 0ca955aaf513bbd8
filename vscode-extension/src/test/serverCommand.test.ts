// Unit tests of how the extension finds the server (node:test; no VS Code needed).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { expandPath, findExecutable, resolveServer, ServerNotFound } from "../serverCommand";

const repo = path.resolve(__dirname, "..", "..", "..");
const venvPython = path.join(repo, ".venv", "bin", "python");

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "bundle-ls-ext-"));
}

function script(dir: string, name: string, mode = 0o755): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, "#!/bin/sh\nexit 0\n", { mode });
  return p;
}

const none = { command: [], pythonPath: "" };

test("expandPath expands ${workspaceFolder}, ~ and relative paths", () => {
  assert.equal(expandPath("${workspaceFolder}/x", "/ws"), "/ws/x");
  assert.equal(expandPath("sub/bin/bundle-ls", "/ws"), "/ws/sub/bin/bundle-ls");
  assert.equal(expandPath("bundle-ls", "/ws"), "bundle-ls", "a bare name stays a PATH lookup");
  assert.equal(expandPath("~/bin/x", "/ws"), path.join(os.homedir(), "bin/x"));
});

test("findExecutable looks bare names up on PATH and skips files that are not executable", () => {
  const dir = tmpdir();
  const exe = script(dir, "tool");
  script(dir, "plain", 0o644);
  assert.equal(findExecutable("tool", dir), exe);
  assert.equal(findExecutable("plain", dir), undefined);
  assert.equal(findExecutable("missing", dir), undefined);
  assert.equal(findExecutable(exe, ""), exe);
});

test("bundleLs.server.command is used first, with its arguments", async () => {
  const dir = tmpdir();
  const exe = script(dir, "my-server");
  const r = await resolveServer({ command: [exe, "--flag"], pythonPath: "/nonexistent/python" }, dir, "");
  assert.deepEqual([r.command, r.args, r.origin], [exe, ["--flag"], "bundleLs.server.command"]);
});

test("a missing server command says which setting to fix", async () => {
  await assert.rejects(resolveServer({ command: ["/nonexistent/bundle-ls"], pythonPath: "" }, "/ws", ""), (e: unknown) => {
    assert.ok(e instanceof ServerNotFound);
    assert.match(e.message, /'\/nonexistent\/bundle-ls' was not found/);
    assert.match(e.fix, /bundleLs\.server\.command/);
    return true;
  });
});

test("a missing Python interpreter is named, with the fix", async () => {
  await assert.rejects(resolveServer({ command: [], pythonPath: "/nonexistent/python3" }, "/ws", ""), (e: unknown) => {
    assert.ok(e instanceof ServerNotFound);
    assert.match(e.message, /Python interpreter '\/nonexistent\/python3' was not found/);
    assert.match(e.fix, /bundleLs\.server\.pythonPath/);
    return true;
  });
});

test("a Python without bundle-ls says how to install it", async () => {
  const dir = tmpdir();
  // An interpreter that cannot import bundle_ls: python3 in isolated mode with no site-packages.
  const fake = path.join(dir, "python");
  fs.writeFileSync(fake, '#!/bin/sh\nexec python3 -I -S "$@"\n', { mode: 0o755 });
  await assert.rejects(resolveServer({ command: [], pythonPath: fake }, dir, process.env.PATH), (e: unknown) => {
    assert.ok(e instanceof ServerNotFound);
    assert.match(e.message, /does not have the bundle-ls server installed/);
    assert.match(e.fix, /-m pip install/);
    return true;
  });
});

test("a Python that has bundle-ls runs it as a module (the project's .venv, made by make)", async () => {
  const r = await resolveServer({ command: [], pythonPath: venvPython }, repo, "");
  assert.deepEqual([r.command, r.args], [venvPython, ["-m", "bundle_ls"]]);
});

test("with no settings: bundle-ls on PATH, then the workspace's .venv", async () => {
  const onPath = tmpdir();
  const exe = script(onPath, "bundle-ls");
  const ws = tmpdir();
  const venvExe = script(ws, ".venv/bin/bundle-ls");
  assert.equal((await resolveServer(none, ws, onPath)).command, exe);
  const r = await resolveServer(none, ws, "");
  assert.deepEqual([r.command, r.origin], [venvExe, ".venv in the workspace folder"]);
});

test("with nothing installed at all, the message says so", async () => {
  await assert.rejects(resolveServer(none, tmpdir(), tmpdir()), (e: unknown) => {
    assert.ok(e instanceof ServerNotFound);
    assert.match(e.message, /neither the bundle-ls server nor Python 3 was found/);
    return true;
  });
});

test("a server installed with pipx or pip --user is found though the editor's PATH lacks it", async () => {
  const home = tmpdir();
  const exe = script(home, path.join(".local", "bin", "bundle-ls"));
  const r = await resolveServer(none, undefined, "", { HOME: home });
  assert.equal(r.command, exe);
  assert.match(r.origin, /pipx or pip --user/);
  const pipxBin = tmpdir();
  assert.equal(
    (await resolveServer(none, undefined, "", { HOME: home, PIPX_BIN_DIR: pipxBin })).command,
    exe,
    "an empty PIPX_BIN_DIR falls through to ~/.local/bin",
  );
  const inPipxBin = script(pipxBin, "bundle-ls");
  assert.equal((await resolveServer(none, undefined, "", { HOME: home, PIPX_BIN_DIR: pipxBin })).command, inPipxBin);
});
