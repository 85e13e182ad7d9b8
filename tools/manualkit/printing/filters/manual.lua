-- Where pandoc's Typst writer falls short for the manual.
--
-- Input: the document made by manualkit/printing/markdown_prep.py, one div per module
-- (`.fp-module module="id"`) holding a title heading (`.fp-title`), an optional summary div
-- and one div per section (`.fp-section origin="folder" core="1" adapted="1"`).
--
-- * ids: every id is scoped by its module (`<module-id--section-id>`), the title heading gets
--   the module id itself, so the modules of a book share one label namespace without clashes;
-- * cross-references `ref:module#section` (and in-module `#section`) become `#xref(...)`, which
--   the template turns into a link when the target is in the PDF and into plain text otherwise;
-- * callouts (note, tip, example, warning, core) become `#callout("kind")[...]`: the writer
--   would drop the class;
-- * images become `image(path, alt: ...)` with the path from the project root (the Typst root)
--   and the alt text the writer would drop; an image without alt text is decorative: an artifact;
-- * core and locally adapted sections become `#section(...)[...]` with their tags after the heading;
-- * each module is bracketed by `// fp:begin id` / `// fp:end id` so Python can cut it out.

local CALLOUTS = { note = true, tip = true, example = true, warning = true, core = true }

local function typst_string(s)
  s = s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[\r\n]+", " ")
  return '"' .. s .. '"'
end

local function raw(text)
  return pandoc.RawBlock("typst", text)
end

local function raw_inline(text)
  return pandoc.RawInline("typst", text)
end

-- Join folder and relative path, resolving "." and ".." (paths come from the checked manual).
local function join_path(folder, rel)
  local parts = {}
  local full = (folder == "." or folder == "") and rel or (folder .. "/" .. rel)
  for piece in full:gmatch("[^/]+") do
    if piece == ".." then
      if #parts > 0 and parts[#parts] ~= ".." then
        table.remove(parts)
      else
        table.insert(parts, "..")
      end
    elseif piece ~= "." then
      table.insert(parts, piece)
    end
  end
  return table.concat(parts, "/")
end

local function scoped(mid, id)
  return mid .. "--" .. id
end

local function scope_attr(el, mid)
  if el.identifier and el.identifier ~= "" then
    el.identifier = scoped(mid, el.identifier)
  end
  return el
end

-- The filter for the blocks of one module; `folder` is where the text's file lies.
local function element_filter(mid, folder)
  return {
    Header = function(h) return scope_attr(h, mid) end,
    Span = function(s) return scope_attr(s, mid) end,
    Code = function(c) return scope_attr(c, mid) end,
    CodeBlock = function(c) return scope_attr(c, mid) end,
    Table = function(t) return scope_attr(t, mid) end,

    Div = function(div)
      local kind = nil
      for _, class in ipairs(div.classes) do
        if CALLOUTS[class] then kind = class break end
      end
      if kind == nil then return scope_attr(div, mid) end
      local out = pandoc.Blocks({ raw("#callout(" .. typst_string(kind) .. ")[") })
      out:extend(div.content)
      out:insert(raw("]"))
      return out
    end,

    Link = function(link)
      local target = link.target
      local module, section = target:match("^ref:([^#]+)#?(.*)$")
      if module == nil then
        section = target:match("^#(.+)$")
        if section == nil then return scope_attr(link, mid) end
        module = mid
      end
      local label = (section ~= nil and section ~= "") and scoped(module, section) or module
      local out = pandoc.Inlines({ raw_inline("#xref(" .. typst_string(label) .. ")[") })
      out:extend(link.content)
      out:insert(raw_inline("]"))
      return out
    end,

    Image = function(img)
      local alt = pandoc.utils.stringify(img.caption)
      if img.src:match("^%a[%w+.-]*:") then
        -- a web address: print cannot fetch it; keep the words
        return pandoc.Str(alt)
      end
      local call = "image(" .. typst_string("/" .. join_path(folder, img.src))
      if alt == "" then
        return raw_inline("#pdf.artifact(" .. call .. "))")
      end
      return raw_inline("#" .. call .. ", alt: " .. typst_string(alt) .. ")")
    end,
  }
end

local function walked(blocks, mid, folder)
  return pandoc.Blocks(blocks):walk(element_filter(mid, folder))
end

local function section_blocks(div, mid)
  local core = div.attributes["core"] == "1"
  local adapted = div.attributes["adapted"] == "1"
  local body = walked(div.content, mid, div.attributes["origin"] or ".")
  if not core and not adapted then return body end
  local flags = "core: " .. tostring(core) .. ", adapted: " .. tostring(adapted)
  for i, blk in ipairs(body) do
    if blk.t == "Header" then
      body:insert(i + 1, raw("#section-tags(" .. flags .. ")"))
      break
    end
  end
  local out = pandoc.Blocks({ raw("#section(" .. flags .. ")[") })
  out:extend(body)
  out:insert(raw("]"))
  return out
end

local function module_blocks(div)
  local mid = div.attributes["module"]
  local out = pandoc.Blocks({ raw("// fp:begin " .. mid) })
  for _, blk in ipairs(div.content) do
    if blk.t == "Header" and blk.classes:includes("fp-title") then
      blk.content = pandoc.Inlines(blk.content):walk(element_filter(mid, "."))
      blk.identifier = mid
      blk.classes = {}
      out:insert(blk)
      out:insert(raw("#module-info(" .. typst_string(mid) .. ")"))
    elseif blk.t == "Div" and blk.classes:includes("fp-summary") then
      out:insert(raw("#summary["))
      out:extend(walked(blk.content, mid, "."))
      out:insert(raw("]"))
    elseif blk.t == "Div" and blk.classes:includes("fp-section") then
      out:extend(section_blocks(blk, mid))
    else
      out:extend(walked({ blk }, mid, "."))
    end
  end
  out:insert(raw("// fp:end " .. mid))
  return out
end

function Pandoc(doc)
  local out = pandoc.Blocks({})
  for _, blk in ipairs(doc.blocks) do
    if blk.t == "Div" and blk.classes:includes("fp-module") then
      out:extend(module_blocks(blk))
    else
      out:insert(blk)
    end
  end
  doc.blocks = out
  return doc
end
