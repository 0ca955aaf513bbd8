// Finds how to start the bundle-ls language server, and checks it before the client starts,
// so that a missing Python or a missing server gives a message that says what to do.
// No vscode import here: this module is plain Node and unit-tested on its own.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface ServerSettings {
  /** bundleLs.server.command: the command (and its first arguments) that starts the server. */
  command: string[];
  /** bundleLs.server.pythonPath: an interpreter that has the bundle_ls package installed. */
  pythonPath: string;
}

export interface ResolvedServer {
  command: string;
  args: string[];
  /** Where the choice came from, for the output channel. */
  origin: string;
}

/** A failure the user can fix; `fix` says how, in one sentence. */
export class ServerNotFound extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = "ServerNotFound";
  }
}

const isWindows = process.platform === "win32";

/** Expands ~ and ${workspaceFolder}, and makes a relative path absolute against the folder. */
export function expandPath(p: string, workspaceFolder: string | undefined): string {
  let out = p.trim();
  if (workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home && (out === "~" || out.startsWith("~/"))) {
    out = path.join(home, out.slice(1));
  }
  if (workspaceFolder !== undefined && !path.isAbsolute(out) && (out.includes("/") || out.includes("\\"))) {
    out = path.resolve(workspaceFolder, out);
  }
  return out;
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) {
      return false;
    }
    if (!isWindows) {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Like `which`: an absolute or relative path is checked as is; a bare name is looked up on PATH. */
export function findExecutable(name: string, envPath: string | undefined = process.env.PATH): string | undefined {
  if (name.includes("/") || name.includes("\\")) {
    return isExecutableFile(name) ? path.resolve(name) : undefined;
  }
  const exts = isWindows ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").concat([""]) : [""];
  for (const dir of (envPath ?? "").split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
}

function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (err && typeof err.code === "string") {
        resolve({ code: null, stdout: String(stdout), stderr: String(stderr), spawnError: err });
        return;
      }
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Checks that `python` runs and can import bundle_ls; throws ServerNotFound with the fix otherwise. */
export async function checkPython(python: string, settingName: string, timeoutMs = 20000): Promise<void> {
  const r = await run(python, ["-c", "import bundle_ls"], timeoutMs);
  if (r.spawnError) {
    if (r.spawnError.code === "ENOENT" || r.spawnError.code === "EACCES") {
      throw new ServerNotFound(
        `bundle-ls: the Python interpreter '${python}' was not found.`,
        `Install Python 3.10 or newer, or set "${settingName}" to a Python interpreter that has bundle-ls installed.`,
      );
    }
    throw new ServerNotFound(
      `bundle-ls: could not run the Python interpreter '${python}' (${r.spawnError.code ?? r.spawnError.message}).`,
      `Check the setting "${settingName}".`,
    );
  }
  if (r.code !== 0) {
    const missing = /No module named '?bundle_ls'?/.test(r.stderr);
    if (missing) {
      throw new ServerNotFound(
        `bundle-ls: the Python interpreter '${python}' does not have the bundle-ls server installed.`,
        `Install it with: "${python}" -m pip install <path to a bundle-ls checkout>, or set "bundleLs.server.command" to the bundle-ls program.`,
      );
    }
    throw new ServerNotFound(
      `bundle-ls: '${python} -c "import bundle_ls"' failed: ${lastLine(r.stderr)}`,
      `Use Python 3.10 or newer with bundle-ls installed, set in "${settingName}".`,
    );
  }
}

function lastLine(s: string): string {
  const lines = s.trim().split(/\r?\n/);
  return lines[lines.length - 1] ?? "";
}

/** Where pipx and `pip install --user` put the bundle-ls program, most likely first. */
export function userInstallLocations(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? env.USERPROFILE;
  const exe = isWindows ? "bundle-ls.exe" : "bundle-ls";
  const bin = isWindows ? "Scripts" : "bin";
  const out: string[] = [];
  if (env.PIPX_BIN_DIR) {
    out.push(path.join(env.PIPX_BIN_DIR, exe));
  }
  if (home) {
    out.push(path.join(home, ".local", "bin", exe));
  }
  const pipxHome = env.PIPX_HOME ?? (home ? path.join(home, ".local", "pipx") : undefined);
  if (pipxHome) {
    out.push(path.join(pipxHome, "venvs", "bundle-ls", bin, exe));
  }
  return out;
}

/**
 * Decides how to start the server, in this order:
 * 1. bundleLs.server.command, 2. bundleLs.server.pythonPath (`python -m bundle_ls`),
 * 3. `bundle-ls` on PATH, 4. where pipx and `pip install --user` put it (`~/.local/bin`,
 * `$PIPX_BIN_DIR`, pipx's own venv), which a terminal's PATH has but an editor started from
 * the desktop often lacks, 5. `.venv/bin/bundle-ls` (or `venv/`) in the workspace folder,
 * 6. `python3 -m bundle_ls` when that Python has it installed.
 * The client appends `--stdio`.
 */
export async function resolveServer(
  settings: ServerSettings,
  workspaceFolder: string | undefined,
  envPath = process.env.PATH,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedServer> {
  const command = settings.command.map((s) => s.trim()).filter((s) => s.length > 0);
  if (command.length > 0) {
    const exe = expandPath(command[0], workspaceFolder);
    const found = findExecutable(exe, envPath);
    if (found === undefined) {
      throw new ServerNotFound(
        `bundle-ls: the server command '${exe}' was not found or is not executable.`,
        `Fix the setting "bundleLs.server.command" (for example ["/path/to/venv/bin/bundle-ls"]), or clear it to let the extension look for bundle-ls itself.`,
      );
    }
    return { command: found, args: command.slice(1), origin: "bundleLs.server.command" };
  }
  const pythonSetting = settings.pythonPath.trim();
  if (pythonSetting.length > 0) {
    const python = expandPath(pythonSetting, workspaceFolder);
    await checkPython(python, "bundleLs.server.pythonPath");
    return { command: python, args: ["-m", "bundle_ls"], origin: "bundleLs.server.pythonPath" };
  }
  const onPath = findExecutable("bundle-ls", envPath);
  if (onPath !== undefined) {
    return { command: onPath, args: [], origin: "bundle-ls on PATH" };
  }
  for (const candidate of userInstallLocations(env)) {
    if (isExecutableFile(candidate)) {
      return { command: candidate, args: [], origin: "a user install (pipx or pip --user), not on the editor's PATH" };
    }
  }
  if (workspaceFolder !== undefined) {
    for (const venv of [".venv", "venv"]) {
      const candidate = isWindows
        ? path.join(workspaceFolder, venv, "Scripts", "bundle-ls.exe")
        : path.join(workspaceFolder, venv, "bin", "bundle-ls");
      if (isExecutableFile(candidate)) {
        return { command: candidate, args: [], origin: `${venv} in the workspace folder` };
      }
    }
  }
  const python = findExecutable(isWindows ? "python" : "python3", envPath);
  if (python === undefined) {
    throw new ServerNotFound(
      "bundle-ls: neither the bundle-ls server nor Python 3 was found.",
      'Install Python 3.10 or newer and the bundle-ls package into it (python3 -m pip install <path to a bundle-ls checkout>), or set "bundleLs.server.command" to the bundle-ls program.',
    );
  }
  try {
    await checkPython(python, "bundleLs.server.pythonPath");
  } catch (e) {
    if (e instanceof ServerNotFound) {
      throw new ServerNotFound(
        "bundle-ls: the bundle-ls server was not found (not on PATH, not in the workspace's .venv, and not importable by " + python + ").",
        'Install it (python3 -m pip install <path to a bundle-ls checkout>) and put bundle-ls on PATH, or set "bundleLs.server.command" to the installed bundle-ls program, or "bundleLs.server.pythonPath" to the Python that has it.',
      );
    }
    throw e;
  }
  return { command: python, args: ["-m", "bundle_ls"], origin: `${python} (found on PATH)` };
}
