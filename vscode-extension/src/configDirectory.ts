// Which workspace folders bundle-ls serves (no vscode import: unit-tested on its own).
import * as fs from "fs";
import * as path from "path";

/** Folder names of an Initializer configuration (as the server's layout knows them). */
export const INITIALIZER_FOLDERS = ["configuration", "backend_configuration", "initializer_config"];
/** How deep below the workspace folder an Initializer folder is looked for
 * (MSF and Ozone keep theirs at distro/configs/openmrs/initializer_config). */
const MAX_DEPTH = 4;

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** An Initializer folder at most `depth` levels below `dir` (hidden folders and node_modules aside). */
function hasInitializerFolder(dir: string, depth: number): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  const subs = entries.filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules");
  if (subs.some((e) => INITIALIZER_FOLDERS.includes(e.name))) {
    return true;
  }
  return depth > 1 && subs.some((e) => hasInitializerFolder(path.join(dir, e.name), depth - 1));
}

/** A Config Directory has a bundle-ls.yaml or an Initializer configuration folder (at the top
 * or a few levels down), or is one. */
export function isConfigDirectory(dir: string): boolean {
  return (
    fs.existsSync(path.join(dir, "bundle-ls.yaml")) ||
    (INITIALIZER_FOLDERS.includes(path.basename(dir)) && isDir(dir)) ||
    hasInitializerFolder(dir, MAX_DEPTH)
  );
}
