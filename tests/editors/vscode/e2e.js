// Drives VS Code (code-server) in Debian's Chromium with playwright-core, as a user would:
// open files with Quick Open, look at the Problems panel, ask for completion with Ctrl+Space,
// press F12, read the status bar and the notifications. Writes what it saw as JSON, and
// screenshots, to OUT_DIR.
//
//   node e2e.js SCENARIO   SCENARIO: "features", "workspace-problems", "effective",
//                          "missing-python" or "server-fails"
// Environment: CS_URL (code-server URL with ?folder=...), OUT_DIR, CHROMIUM (default /usr/bin/chromium)
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const scenario = process.argv[2];
const url = process.env.CS_URL;
const outDir = process.env.OUT_DIR;
const T = 60000; // waits are long: a 2-core machine, shared with the server and the browser
const result = { scenario, steps: [] };
const t0 = Date.now();
const step = (name, extra) => {
  result.steps.push({ name, ms: Date.now() - t0, ...(extra || {}) });
  process.stderr.write(`[e2e ${scenario}] ${name} ${Date.now() - t0}ms\n`);
};

async function quickOpen(page, text, rowLabel) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: T });
  await page.keyboard.type(text);
  if (rowLabel) {
    // Wait until the filtered list has settled with the wanted file on the focused row.
    await page.locator(`.quick-input-list .monaco-list-row.focused[aria-label*="${rowLabel}"]`).first().waitFor({ timeout: T });
  }
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: T });
}

async function runCommand(page, title) {
  await page.keyboard.press("Control+Shift+P");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: T });
  await page.keyboard.type(title);
  await page.locator(`.quick-input-list .monaco-list-row.focused[aria-label*="${title}"]`).first().waitFor({ timeout: T });
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: T });
}

async function openFile(page, name) {
  await quickOpen(page, name, name);
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: T });
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ timeout: T });
}

async function goTo(page, line, column) {
  // Quick Open's ":line:column" is the same as Ctrl+G (Go to Line/Column).
  await quickOpen(page, `:${line}:${column}`);
}

async function statusBarText(page) {
  const item = page.locator(".statusbar-item").filter({ hasText: "bundle-ls" }).first();
  await item.waitFor({ timeout: T });
  return {
    text: (await item.innerText()).trim(),
    icons: await item.locator(".codicon").evaluateAll((els) => els.map((e) => e.className)),
  };
}

async function suggestions(page, expected) {
  await page.keyboard.press("Control+Space");
  const rows = page.locator(".editor-widget.suggest-widget .monaco-list-row");
  for (const label of expected) {
    await rows.filter({ hasText: label }).first().waitFor({ timeout: T });
  }
  return rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") || e.innerText));
}

// Records every text the bundle-ls status-bar item shows (starting, indexing NN%, ready, error).
async function recordStatusBar(page) {
  await page.evaluate(() => {
    const seen = [];
    window.__bundleLsStatus = seen;
    const look = () => {
      for (const el of document.querySelectorAll(".statusbar-item")) {
        const t = el.innerText.trim();
        if (t.includes("bundle-ls") && seen[seen.length - 1] !== t) {
          seen.push(t);
        }
      }
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
    look();
  });
}

async function features(page) {
  await recordStatusBar(page);
  await openFile(page, "wards.yaml");
  step("wards.yaml open");
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: T });
  step("squiggle in wards.yaml");

  await openFile(page, "locations.csv");
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: T });
  step("squiggle in locations.csv");

  // The Problems panel: the server's diagnostics for both files.
  await page.keyboard.press("Control+Shift+M");
  const markerRows = page.locator(".markers-panel .monaco-list-row");
  await markerRows.filter({ hasText: "Admision Location" }).first().waitFor({ timeout: T });
  await markerRows.filter({ hasText: "Login Locaton" }).first().waitFor({ timeout: T });
  step("problems of the open files");
  // rounds.yaml is not open: its problem is there because the server checks the whole
  // folder, with the module schema from the bundleLs.schemas setting.
  await markerRows.filter({ hasText: "Ward Z" }).first().waitFor({ timeout: T });
  result.problems = await markerRows.evaluateAll((els) => els.map((e) => e.innerText));
  result.problemLabels = await markerRows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  await page.screenshot({ path: path.join(outDir, "vscode-problems.png") });
  step("problems panel");

  result.statusBar = await statusBarText(page);
  // Wait for indexing to end: the item then shows the check mark.
  await page.locator(".statusbar-item .codicon-check").first().waitFor({ timeout: T }).catch(() => {});
  result.statusBar = await statusBarText(page);
  step("status bar", { status: result.statusBar.text });

  // Completion in the YAML `tags: [` list offers the keys of tags.yaml.
  await openFile(page, "wards.yaml");
  const wards = fs.readFileSync(path.join(process.env.WORKSPACE, "wards.yaml"), "utf8").split("\n");
  const tagsLine = wards.findIndex((l) => l.includes("tags: ["));
  await goTo(page, tagsLine + 1, wards[tagsLine].indexOf("[") + 2);
  result.completionYaml = await suggestions(page, ["Login Location", "Admission Location"]);
  await page.screenshot({ path: path.join(outDir, "vscode-completion-yaml.png") });
  await page.keyboard.press("Escape");
  step("completion in wards.yaml");

  // Completion in the CSV `tags` column.
  await openFile(page, "locations.csv");
  const csv = fs.readFileSync(path.join(process.env.WORKSPACE, "locations.csv"), "utf8").split("\n");
  await goTo(page, 2, csv[1].indexOf("Login Locaton") + 1);
  result.completionCsv = await suggestions(page, ["Login Location", "Admission Location"]);
  await page.screenshot({ path: path.join(outDir, "vscode-completion-csv.png") });
  await page.keyboard.press("Escape");
  step("completion in locations.csv");

  // Typing a new row and choosing a key from the list inserts the whole key.
  await page.keyboard.press("Control+End");
  await page.keyboard.type("Ward C,Ward C,");
  await page.keyboard.press("Control+Space");
  const wanted = page.locator(".editor-widget.suggest-widget .monaco-list-row").filter({ hasText: "Admission Location" }).first();
  await wanted.waitFor({ timeout: T });
  await wanted.click();
  await page.locator(".editor-widget.suggest-widget").waitFor({ state: "hidden", timeout: T });
  result.csvLinesAfterAccept = await page
    .locator(".editor-instance .monaco-editor .view-lines")
    .first()
    .evaluate((el) =>
      [...el.querySelectorAll(".view-line")]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => l.textContent.replace(/\u00a0/g, " ")),
    );
  step("accepted a completion in a new CSV row");

  // Go to definition (F12) on `Login Location` in wards.yaml opens tags.yaml at its key.
  await openFile(page, "wards.yaml");
  await goTo(page, tagsLine + 1, wards[tagsLine].indexOf("Login Location") + 4);
  const cursor = page.locator(".statusbar-item").filter({ hasText: /Ln \d+, Col \d+/ }).first();
  await cursor.waitFor({ timeout: T });
  const before = (await cursor.innerText()).trim();
  await page.keyboard.press("F12");
  await page.locator('.tabs-container .tab.active[aria-label*="tags.yaml"]').waitFor({ timeout: T });
  // The cursor position in the status bar follows the new editor a moment later.
  await page.waitForFunction(
    (old) => [...document.querySelectorAll(".statusbar-item")].some((e) => /Ln \d+, Col \d+/.test(e.innerText) && e.innerText.trim() !== old),
    before,
    { timeout: T },
  );
  result.definition = { activeTab: "tags.yaml", before, cursor: (await cursor.innerText()).trim() };
  await page.screenshot({ path: path.join(outDir, "vscode-definition.png") });
  step("go to definition");

  // bundle-ls: Restart Server, from the Command Palette: starting again, then ready.
  await runCommand(page, "bundle-ls: Restart Server");
  await page.waitForFunction(
    () => {
      const seen = window.__bundleLsStatus;
      return seen.filter((t) => t === "bundle-ls: starting").length >= 2 && seen[seen.length - 1] === "bundle-ls";
    },
    undefined,
    { timeout: T },
  );
  step("restarted");
  result.statusBarHistory = await page.evaluate(() => window.__bundleLsStatus);

  // bundle-ls: Show Output: the output channel, with the command line used.
  await runCommand(page, "bundle-ls: Show Output");
  const outputEditor = page.locator(".panel .monaco-editor .view-lines").first();
  await outputEditor.waitFor({ timeout: T });
  result.outputChannelSelected = await page
    .locator(".panel select")
    .evaluateAll((els) => els.map((e) => (e.selectedOptions[0] ? e.selectedOptions[0].text : "")));
  // The trace makes it long: the output view's filter finds the line.
  await page.locator('.panel input[placeholder^="Filter"]').first().fill("starting:");
  const outputText = page.locator(".panel .monaco-editor .view-lines").filter({ hasText: "starting:" }).first();
  await outputText.waitFor({ timeout: T });
  result.outputChannel = (await outputText.innerText()).replace(/\u00a0/g, " ");
  await page.screenshot({ path: path.join(outDir, "vscode-output.png") });
  step("output channel");

  // Every notification shown during the session (a server error would surface here).
  result.notifications = await page
    .locator(".notifications-toasts .notification-toast")
    .evaluateAll((els) => els.map((e) => e.innerText.trim()));
}

// The effective configuration: a code lens and a hover on a key defined in two files, the
// lens's references view, and "bundle-ls: Show Effective Configuration" in a webview.
async function effective(page) {
  await openFile(page, "tags.yaml");
  const tags = fs.readFileSync(path.join(process.env.WORKSPACE, "tags.yaml"), "utf8").split("\n");
  const keyLine = tags.findIndex((l) => l.includes("Login Location"));
  const lens = page.locator(".monaco-editor .codelens-decoration a").filter({ hasText: "also in" }).first();
  await lens.waitFor({ timeout: T });
  result.codeLenses = await page
    .locator(".monaco-editor .codelens-decoration")
    .evaluateAll((els) => els.map((e) => e.innerText.trim()).filter((t) => t));
  step("code lens");

  // The hover (Ctrl+K Ctrl+I, "Show or Focus Hover") on the key.
  await goTo(page, keyLine + 1, tags[keyLine].indexOf("Login Location") + 3);
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = page.locator(".monaco-hover:not(.hidden)").filter({ hasText: "Effective value" }).first();
  await hover.waitFor({ timeout: T });
  result.hover = (await hover.innerText()).replace(/\u00a0/g, " ");
  result.hoverLinks = await hover.locator("a").evaluateAll((els) => els.map((a) => a.innerText.trim()));
  // The hover scrolls: show its effective part in the screenshot.
  await hover
    .locator("strong", { hasText: "Effective value" })
    .first()
    .evaluate((e) => e.scrollIntoView({ block: "start" }))
    .catch(() => {});
  await page.screenshot({ path: path.join(outDir, "vscode-effective-hover.png") });
  await page.keyboard.press("Escape");
  step("hover");

  // The lens opens the other places in the references view.
  await lens.click();
  // One place: the peek view's title names its file, its list the line there.
  const peek = page.locator(".peekview-widget").first();
  await peek.locator(".peekview-title").filter({ hasText: "more-tags.yaml" }).first().waitFor({ timeout: T });
  result.lensPeekTitle = (await peek.locator(".peekview-title").first().innerText()).replace(/\s+/g, " ").trim();
  result.lensPlaces = await peek.locator(".monaco-list-row").evaluateAll((els) => els.map((e) => e.innerText.trim()));
  await page.screenshot({ path: path.join(outDir, "vscode-effective-lens.png") });
  await page.keyboard.press("Escape");
  step("lens references");

  // The command, with the cursor on the key: the namespace's effective configuration.
  await goTo(page, keyLine + 1, tags[keyLine].indexOf("Login Location") + 3);
  await runCommand(page, "bundle-ls: Show Effective Configuration");
  await page.locator('.tabs-container .tab[aria-label*="Effective configuration"]').first().waitFor({ timeout: T });
  result.webviewTab = (await page.locator('.tabs-container .tab[aria-label*="Effective configuration"]').first().getAttribute("aria-label")) || "";
  let frame = null;
  const deadline = Date.now() + T;
  while (!frame && Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.locator("#effective-rows tr.main").count().catch(() => 0)) {
        frame = f;
        break;
      }
    }
    if (!frame) await page.waitForTimeout(250);
  }
  if (!frame) throw new Error("the webview shows no effective configuration");
  result.webviewRows = await frame.locator("#effective-rows tr.main").evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, " ").trim()));
  result.webviewFilter = await frame.locator("#effective-ns").inputValue();
  await page.screenshot({ path: path.join(outDir, "vscode-effective-view.png") });
  step("effective configuration view");
  result.notifications = await page
    .locator(".notifications-toasts .notification-toast")
    .evaluateAll((els) => els.map((e) => e.innerText.trim()));
}

// A folder with an Initializer layout and no bundle-ls.yaml is opened and no file is: the
// extension starts by itself (workspaceContains) and the whole repository's problems reach
// the Problems panel and its count in the status bar.
async function workspaceProblems(page) {
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[id="status.problems"]');
      return el !== null && /[1-9]/.test(el.innerText);
    },
    undefined,
    { timeout: T },
  );
  step("problems appear");
  await page.keyboard.press("Control+Shift+M");
  const markerRows = page.locator(".markers-panel .monaco-list-row");
  // Files are published one by one: wait for both files' problems before counting.
  await markerRows.filter({ hasText: "Task: Register patient" }).first().waitFor({ timeout: T });
  await markerRows.filter({ hasText: "no column 'Tag'" }).first().waitFor({ timeout: T });
  result.problems = await markerRows.evaluateAll((els) => els.map((e) => e.innerText));
  const counter = page.locator('[id="status.problems"]').first();
  result.problemsStatus = {
    text: (await counter.innerText()).replace(/\s+/g, " ").trim(),
    label: await counter.locator("a, .statusbar-item-label").first().getAttribute("aria-label").catch(() => null),
  };
  result.openEditors = await page.locator(".tabs-container .tab").count();
  await page.screenshot({ path: path.join(outDir, "vscode-workspace-problems.png") });
  step("problems panel", { problems: result.problemsStatus.text });
}

async function errorShown(page) {
  await openFile(page, "wards.yaml");
  step("wards.yaml open");
  // The extension's own message (EXPECT_TOAST, a regular expression), not a generic one.
  const expected = new RegExp(process.env.EXPECT_TOAST || "bundle-ls: ");
  const toast = page.locator(".notifications-toasts .notification-toast").filter({ hasText: expected }).first();
  await toast.waitFor({ timeout: T });
  result.notification = (await toast.innerText()).trim();
  result.notificationButtons = await toast.locator(".monaco-button").evaluateAll((els) => els.map((e) => e.innerText.trim()));
  await page.locator(".statusbar-item").filter({ hasText: "bundle-ls: error" }).first().waitFor({ timeout: T });
  result.statusBar = await statusBarText(page);
  result.notifications = await page
    .locator(".notifications-toasts .notification-toast")
    .evaluateAll((els) => els.map((e) => e.innerText.trim()));
  await page.screenshot({ path: path.join(outDir, `vscode-${scenario}.png`) });
  step("error shown");
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  let code = 0;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor({ timeout: T });
    step("workbench");
    // Focus the workbench so that keyboard shortcuts reach it.
    await page.locator(".monaco-workbench").click({ position: { x: 700, y: 450 } });
    if (scenario === "features") {
      await features(page);
    } else if (scenario === "workspace-problems") {
      await workspaceProblems(page);
    } else if (scenario === "effective") {
      await effective(page);
    } else if (scenario === "missing-python" || scenario === "server-fails") {
      await errorShown(page);
    } else {
      throw new Error(`unknown scenario ${scenario}`);
    }
  } catch (e) {
    code = 1;
    result.error = String(e && e.stack ? e.stack : e);
    await page.screenshot({ path: path.join(outDir, `vscode-${scenario}-FAILED.png`) }).catch(() => {});
  } finally {
    result.elapsedMs = Date.now() - t0;
    fs.writeFileSync(path.join(outDir, `vscode-${scenario}.json`), JSON.stringify(result, null, 2));
    await browser.close();
  }
  process.exit(code);
})();
