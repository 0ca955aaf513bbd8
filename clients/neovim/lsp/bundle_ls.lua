-- bundle-ls: language server for OpenMRS configuration kept in YAML and CSV files.
--
-- Neovim 0.11+ (vim.lsp.config format). Put the folder that holds this lsp/ folder on the
-- runtimepath and enable the server:
--
--   vim.opt.runtimepath:append('/path/to/bundle-ls/clients/neovim')
--   vim.lsp.enable('bundle_ls')
--
-- Override any field with vim.lsp.config(), for example a server outside PATH and an extra
-- module-schema folder (relative paths are relative to the Config Directory):
--
--   vim.lsp.config('bundle_ls', {
--     cmd = { '/path/to/venv/bin/bundle-ls', '--stdio' },
--     settings = { bundleLs = { schemas = { 'schemas' } } },
--   })
--
-- The root (the Config Directory) is the nearest folder upwards that has a bundle-ls.yaml,
-- else the nearest one that has an Initializer `configuration` folder.

--- Schema folders made absolute against the root, as the server expects them.
--- (Only vim.fs.normalize, so that this file also works on Neovim 0.8-0.10 through lspconfig.)
local function schema_folders(list, root)
  local out = {}
  for _, p in ipairs(list or {}) do
    if type(p) == 'string' and p ~= '' then
      p = vim.fs.normalize(p) -- expands ~ and environment variables
      if root and not p:match('^/') and not p:match('^%a:[/\\]') then
        p = vim.fs.normalize(root .. '/' .. p)
      end
      table.insert(out, p)
    end
  end
  return out
end

--- Keys are names with spaces ("Login Location"). For a completion item with a plain-text
--- edit, Neovim 0.11 inserts only up to the first space of the edit's text ("Login"), so the
--- whole text is made the item's word. Registered with vim.lsp.completion, which the default
--- omnifunc (<C-x><C-o>) and vim.lsp.completion.get() both use; it turns on no autotrigger.
local function whole_key(item)
  local edit = item.textEdit
  if edit and edit.newText and item.insertTextFormat ~= 2 then -- 2: snippet, left to Neovim
    return { word = edit.newText }
  end
  return {}
end

local function on_attach(client, bufnr)
  if vim.lsp.completion and vim.lsp.completion.enable and client:supports_method('textDocument/completion') then
    vim.lsp.completion.enable(true, client.id, bufnr, { convert = whole_key })
  end
end

---@type vim.lsp.Config
return {
  cmd = { 'bundle-ls', '--stdio' },
  filetypes = { 'yaml', 'csv' },
  root_markers = { 'bundle-ls.yaml', 'configuration' },
  -- Answered to the server's workspace/configuration request for the section `bundleLs`.
  settings = {
    bundleLs = {
      schemas = {},
    },
  },
  -- The server reads the extra schema folders from initializationOptions {"schemas": [...]};
  -- they are taken from settings.bundleLs.schemas so that there is one place to set them.
  -- If you set your own on_attach, call this one from it (see docs/editors.md).
  on_attach = on_attach,
  before_init = function(params, config)
    local bundle = (config.settings or {}).bundleLs or {}
    local schemas = schema_folders(bundle.schemas, config.root_dir)
    bundle.schemas = schemas
    params.initializationOptions =
      vim.tbl_extend('force', params.initializationOptions or {}, { schemas = schemas })
  end,
}
