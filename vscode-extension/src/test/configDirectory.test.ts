import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { isConfigDirectory } from "../configDirectory";

test("a folder with bundle-ls.yaml, with a configuration/ folder, or named configuration is served", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-ls-cd-"));
  const withSettings = path.join(base, "a");
  fs.mkdirSync(withSettings);
  fs.writeFileSync(path.join(withSettings, "bundle-ls.yaml"), "{}\n");
  const initializer = path.join(base, "b");
  fs.mkdirSync(path.join(initializer, "configuration", "locations"), { recursive: true });
  const other = path.join(base, "c");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "configuration"), "a file, not a folder\n");
  assert.equal(isConfigDirectory(withSettings), true);
  assert.equal(isConfigDirectory(initializer), true);
  assert.equal(isConfigDirectory(path.join(initializer, "configuration")), true);
  assert.equal(isConfigDirectory(other), false);
  assert.equal(isConfigDirectory(other), false);
  assert.equal(isConfigDirectory(fs.mkdtempSync(path.join(os.tmpdir(), "bundle-ls-cd-"))), false);
});

test("an Initializer folder a few levels down (distro/configs/openmrs/initializer_config) is served", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-ls-cd-"));
  fs.mkdirSync(path.join(base, "distro", "configs", "openmrs", "initializer_config", "locations"), { recursive: true });
  assert.equal(isConfigDirectory(base), true);
  const deeper = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-ls-cd-"));
  fs.mkdirSync(path.join(deeper, "a", "b", "c", "d", "e", "configuration"), { recursive: true });
  assert.equal(isConfigDirectory(deeper), false, "not searched past four levels");
  const hidden = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-ls-cd-"));
  fs.mkdirSync(path.join(hidden, "node_modules", "x", "configuration"), { recursive: true });
  assert.equal(isConfigDirectory(hidden), false, "node_modules is not searched");
});
