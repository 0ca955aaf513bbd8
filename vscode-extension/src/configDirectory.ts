// Which workspace folders bundle-ls serves (no vscode import: unit-tested on its own).
import * as fs from "fs";
import * as path from "path";

/** A Config Directory has a bundle-ls.yaml or an Initializer configuration/ folder, or is one. */
export function isConfigDirectory(dir: string): boolean {
  const isDir = (p: string) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  return (
    fs.existsSync(path.join(dir, "bundle-ls.yaml")) ||
    isDir(path.join(dir, "configuration")) ||
    path.basename(dir) === "configuration"
  );
}
