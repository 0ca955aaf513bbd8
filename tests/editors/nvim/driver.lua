-- Drives a headless Neovim 0.11 with the shipped client config (clients/neovim/lsp/bundle_ls.lua)
-- the way a user has it: the folder on the runtimepath, then vim.lsp.enable('bundle_ls').
--
--   nvim --headless --clean -u driver.lua FILE
--
-- Environment:
--   BUNDLE_LS_NVIM_RTP   the clients/neovim folder
--   BUNDLE_LS_NVIM_OUT   where to write the JSON result
--   BUNDLE_LS_NVIM_PLAN  JSON, every field optional:
--     "config":     given to vim.lsp.config('bundle_ls', ...), as a user would
--     "wait_code":  wait for a diagnostic with this code
--     "type":       {"lines": [...], "select": "label"}: add the lines at the end, complete at the
--                   end of the last one with <C-x><C-o>, accept the entry "label" with <C-y>
--     "definition": [line, character] (0-based): go to definition from there
-- What a user would see is recorded: the diagnostics of the buffer, the insert-mode completion
-- menu (<C-x><C-o>, Neovim's default LSP omnifunc), and where go to definition jumps.

local out_path = assert(os.getenv('BUNDLE_LS_NVIM_OUT'), 'BUNDLE_LS_NVIM_OUT is not set')
local plan = vim.json.decode(os.getenv('BUNDLE_LS_NVIM_PLAN') or '{}')
local result = { nvim = tostring(vim.version()), steps = {} }
local t0 = vim.uv.now()

-- This is all a user does:
vim.opt.runtimepath:append(assert(os.getenv('BUNDLE_LS_NVIM_RTP'), 'BUNDLE_LS_NVIM_RTP is not set'))
if plan.config then
  vim.lsp.config('bundle_ls', plan.config)
end
vim.lsp.enable('bundle_ls')

local function step(name)
  table.insert(result.steps, { name = name, ms = vim.uv.now() - t0 })
end

local finished = false
local function finish(code)
  if finished then
    return
  end
  finished = true
  result.elapsed_ms = vim.uv.now() - t0
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
  vim.cmd(code == 0 and 'qall!' or ('cquit ' .. code))
end

local function fail(msg)
  result.error = msg
  finish(1)
end

-- Waits (without blocking Neovim's event loop, so keys typed with feedkeys are processed)
-- until cond() is true or timeout_ms has passed. Must run inside the scenario coroutine.
local function wait_until(cond, timeout_ms)
  local start = vim.uv.now()
  while true do
    local ok, v = pcall(cond)
    if ok and v then
      return true
    end
    if vim.uv.now() - start > timeout_ms then
      return false
    end
    local me = coroutine.running()
    vim.defer_fn(function()
      local ok2, err = coroutine.resume(me)
      if not ok2 then
        fail('lua error: ' .. tostring(err))
      end
    end, 40)
    coroutine.yield()
  end
end

local function feed(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'n', false)
end

local function scenario()
  local buf = vim.api.nvim_get_current_buf()
  result.file = vim.api.nvim_buf_get_name(buf)
  result.filetype = vim.bo[buf].filetype

  local client
  if not wait_until(function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'bundle_ls' })[1]
    return client ~= nil and client.initialized
  end, 20000) then
    return fail('bundle_ls did not attach to ' .. result.file .. ' within 20 s (see lsp.log)')
  end
  step('attached')
  result.client = {
    name = client.name,
    root_dir = client.root_dir,
    cmd = client.config.cmd,
    init_options = client.config.init_options,
    settings = client.settings,
  }

  local function collect_diagnostics()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out, {
        lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        severity = d.severity, message = d.message, source = d.source, code = d.code,
      })
    end
    return out
  end
  wait_until(function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if plan.wait_code == nil or d.code == plan.wait_code then
        return true
      end
    end
    return false
  end, 30000)
  step('diagnostics')
  result.diagnostics = collect_diagnostics()

  if plan.type then
    -- As if typed: new lines at the end of the buffer (didChange reaches the server), then,
    -- in insert mode at the end of the last one, <C-x><C-o> (Neovim's default LSP omnifunc).
    local last = vim.api.nvim_buf_line_count(buf)
    vim.api.nvim_buf_set_lines(buf, last, last, false, plan.type.lines)
    local row = last + #plan.type.lines
    vim.api.nvim_win_set_cursor(0, { row, 0 })
    feed('A<C-x><C-o>')
    local shown = wait_until(function()
      return #vim.fn.complete_info({ 'items' }).items > 0
    end, 15000)
    step('completion')
    result.completion_mode = vim.fn.mode()
    result.completion = {} -- what the menu shows (abbr)
    result.completion_words = {} -- what choosing an entry inserts (word)
    local items = shown and vim.fn.complete_info({ 'items' }).items or {}
    local want
    for i, it in ipairs(items) do
      table.insert(result.completion, it.abbr ~= '' and it.abbr or it.word)
      table.insert(result.completion_words, it.word)
      if (it.abbr ~= '' and it.abbr or it.word) == plan.type.select then
        want = i - 1
      end
    end
    if want ~= nil then
      -- Move the selection to the wanted entry with <C-n>, then accept it with <C-y>.
      wait_until(function()
        local sel = vim.fn.complete_info({ 'selected' }).selected
        if sel == want then
          return true
        end
        feed('<C-n>')
        return false
      end, 5000)
      feed('<C-y>')
      wait_until(function()
        return vim.fn.pumvisible() == 0
      end, 5000)
      result.accepted_line = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
    end
    feed('<C-e><Esc>')
    wait_until(function()
      return vim.fn.mode() == 'n'
    end, 5000)
    -- Put the buffer back as it was, for the steps after this one.
    vim.api.nvim_buf_set_lines(buf, last, -1, false, {})
  end

  if plan.definition then
    local line, character = plan.definition[1], plan.definition[2]
    vim.api.nvim_win_set_cursor(0, { line + 1, character })
    local from = vim.api.nvim_get_current_buf()
    vim.lsp.buf.definition()
    local jumped = wait_until(function()
      return vim.api.nvim_get_current_buf() ~= from
    end, 15000)
    step('definition')
    if jumped then
      local pos = vim.api.nvim_win_get_cursor(0)
      result.definition = { file = vim.api.nvim_buf_get_name(0), line = pos[1] - 1, col = pos[2] }
    end
  end

  finish(0)
end

-- File arguments are loaded after this file runs: start on VimEnter.
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local co = coroutine.create(scenario)
    local ok, err = coroutine.resume(co)
    if not ok then
      fail('lua error: ' .. tostring(err))
    end
  end,
})

-- A hard stop, so that a hung server can never hang the test run.
vim.defer_fn(function()
  fail('driver timed out after 90 s')
end, 90000)
