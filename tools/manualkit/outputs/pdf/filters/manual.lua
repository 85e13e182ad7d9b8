-- Where pandoc's Typst writer falls short for the manual, and the guard that keeps content
-- from becoming Typst code.
--
-- Input: the Markdown made by manualkit/outputs/pdf/markdown_prep.py, which has already scoped
-- ids by module, turned `ref:` links into internal links and made image paths start at the
-- project root. The filter reads the build's marker key (`-M fp-key=...`, a random value per run
-- that content cannot know), then walks the document once (every walk copies the whole document
-- into Lua and back: two walks cost pandoc about 15 % more time), applying to each element:
--
-- 1. an allow-list over the content: pandoc writes attributes such as `typst:inset` or
--    `typst:text:fill` straight into Typst code, so every attribute and class the toolkit does not
--    define is dropped here: divs keep only a callout class (or are unwrapped), headings only a
--    safe id, spans are unwrapped, code keeps at most a language name, links to other schemes than
--    http(s), mailto, tel and internal labels keep only their words, raw Typst or HTML is removed.
--    A marker div counts as the toolkit's own only when it carries the build's key;
-- 2. then the toolkit's own markup, from small empty marker divs (a div holding a whole module
--    would be copied into Lua and back: slow):
--    * `.fp-begin module="id"` / `.fp-finish module="id"`: `// fp:begin id` / `// fp:end id`
--      around a module's Typst, where Python cuts the fragments out;
--    * `.fp-info module="id"` (after the title): `#module-info("id")`;
--    * `.fp-summary` … `.fp-end`: `#summary[` … `]`;
--    * `.fp-section core="1" adapted="0"` … `.fp-end`: `#section(...)[` … `]`; `.fp-tags` after
--      the section's heading: its core / adapted tags;
--    * callouts (note, tip, example, warning, core): `#callout("kind")[...]`;
--    * `::: {.lines n=5}` … `:::` (room to write on a handout): `#writing-lines(5)[...]`, n a whole
--      number from 1 to 30 (the checker's rule E816), 4 when not given;
--    * a paragraph or list that names an emergency number (110, 112, 113, 116 111):
--      `#block(breakable: false)[...]`, so a reader never has to turn the page mid-sentence
--      before "ring 113";
--    * images: `image(path, alt: ...)`; an image without alt text is decorative, an artifact;
--      a web address cannot be fetched for print, so only its alt text is kept.
-- Every string from content that goes into Typst code goes through typst_string.

local CALLOUTS = { note = true, tip = true, example = true, warning = true, core = true }
local MARKER_NAMES = { ["fp-begin"] = true, ["fp-finish"] = true, ["fp-info"] = true, ["fp-summary"] = true,
                       ["fp-section"] = true, ["fp-tags"] = true, ["fp-end"] = true }
local KEY = nil

local function typst_string(s)
  s = s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[%c]+", " ")
  return '"' .. s .. '"'
end

local function raw(text)
  return pandoc.RawBlock("typst", text)
end

local function safe_id(id)
  if id ~= nil and id:match("^[%w_][%w_.:-]*$") and #id <= 200 then
    return id
  end
  return ""
end

local function module_id(a)
  local mid = a["module"] or ""
  if not mid:match("^[%w][%w-]*$") then
    error("manualkit: a marker names the module '" .. mid .. "', which is not an id")
  end
  return mid
end

local function is_marker(div)
  local first = div.classes[1]
  return first ~= nil and MARKER_NAMES[first] and KEY ~= nil and div.attributes["fp-key"] == KEY
end

-- 1: the allow-list ----------------------------------------------------------------------------
local LINK_SCHEMES = { http = true, https = true, mailto = true, tel = true }

local allow = {
  RawBlock = function(_) return {} end,
  RawInline = function(_) return {} end,
  Div = function(div)
    if is_marker(div) then
      return nil
    end
    for _, class in ipairs(div.classes) do
      if CALLOUTS[class] then
        return pandoc.Div(div.content, pandoc.Attr("", { class }, {}))
      end
      if class == "lines" then  -- room to write: only a whole number of lines is kept
        local n = div.attributes["n"]
        local attrs = (n ~= nil and n:match("^%d+$")) and { n = n } or {}
        return pandoc.Div(div.content, pandoc.Attr("", { "lines" }, attrs))
      end
    end
    return div.content
  end,
  Span = function(span) return span.content end,
  Header = function(h)
    h.attr = pandoc.Attr(safe_id(h.identifier), {}, {})
    return h
  end,
  Code = function(c)
    c.attr = pandoc.Attr("", {}, {})
    return c
  end,
  CodeBlock = function(c)
    local lang = c.classes[1]
    c.attr = pandoc.Attr("", (lang and lang:match("^[%w_+-]+$")) and { lang } or {}, {})
    return c
  end,
  Link = function(link)
    local target = link.target
    local scheme = target:match("^([%a][%w+.-]*):")
    if target:sub(1, 1) == "#" then
      if safe_id(target:sub(2)) == "" then return link.content end
    elseif scheme == nil or not LINK_SCHEMES[scheme:lower()] then
      return link.content
    end
    link.attr = pandoc.Attr("", {}, {})
    return link
  end,
  Image = function(img)
    img.attr = pandoc.Attr("", {}, {})
    return img
  end,
  Table = function(t)
    t.attr = pandoc.Attr("", {}, {})
    return t
  end,
  Figure = function(f)
    f.attr = pandoc.Attr("", {}, {})
    return f
  end,
}

-- 2: the toolkit's markup ----------------------------------------------------------------------
local function flags(attrs)
  return "core: " .. tostring(attrs["core"] == "1") .. ", adapted: " .. tostring(attrs["adapted"] == "1")
    .. ", deviation: " .. tostring(attrs["deviation"] == "1")
end

local MARKERS = {
  ["fp-begin"] = function(a) return "// fp:begin " .. module_id(a) end,
  ["fp-finish"] = function(a) return "// fp:end " .. module_id(a) end,
  ["fp-info"] = function(a) return "#module-info(" .. typst_string(module_id(a)) .. ")" end,
  ["fp-summary"] = function(_) return "#summary[" end,
  ["fp-section"] = function(a) return "#section(" .. flags(a) .. ")[" end,
  ["fp-tags"] = function(a) return "#section-tags(" .. flags(a) .. ")" end,
  ["fp-end"] = function(_) return "]" end,
}

local function writing_lines(div)
  local n = math.floor(tonumber(div.attributes["n"] or "4") or 4)
  n = math.max(1, math.min(30, n))
  local out = pandoc.Blocks({ raw("#writing-lines(" .. tostring(n) .. ")[") })
  out:extend(div.content)
  out:insert(raw("]"))
  return out
end

local markup = {
  Div = function(div)
    if is_marker(div) then
      return raw(MARKERS[div.classes[1]](div.attributes))
    end
    local kind = div.classes[1]
    if kind == "lines" then
      return writing_lines(div)
    end
    if kind and CALLOUTS[kind] then
      local out = pandoc.Blocks({ raw("#callout(" .. typst_string(kind) .. ")[") })
      out:extend(div.content)
      out:insert(raw("]"))
      return out
    end
    return nil
  end,
  Image = function(img)
    local alt = pandoc.utils.stringify(img.caption)
    if img.src:sub(1, 1) ~= "/" then
      return pandoc.Str(alt)
    end
    local call = "image(" .. typst_string(img.src)
    if alt == "" then
      return pandoc.RawInline("typst", "#pdf.artifact(" .. call .. "))")
    end
    return pandoc.RawInline("typst", "#" .. call .. ", alt: " .. typst_string(alt) .. ")")
  end,
}

-- one walk: every element through the allow-list, then, where it is the toolkit's, its markup.
-- The walk is bottom-up and does not walk what a function returns, so the raw Typst made here is
-- never removed as content, and content's own raw Typst never survives.
local one = {}
for name, fn in pairs(allow) do
  one[name] = fn
end
one.Div = function(div)
  if is_marker(div) then
    return markup.Div(div)
  end
  local kept = allow.Div(div)
  if kept.t == "Div" then  -- a callout or room to write: the allow-list kept it as a div
    return markup.Div(kept)
  end
  return kept
end
-- the public emergency and help numbers: a paragraph (or list) holding one is never split by a page break
local function names_emergency_number(block)
  local s = pandoc.utils.stringify(block):gsub("\194\160", " "):gsub("\226\128\175", " ")
  for _, pattern in ipairs({ "%f[%d]11[023]%f[%D]", "%f[%d]110%f[%D]", "%f[%d]116 ?111%f[%D]" }) do
    if s:find(pattern) then
      return true
    end
  end
  return false
end

local function unbreakable(block)
  if not names_emergency_number(block) then
    return nil
  end
  return pandoc.Blocks({ raw("#block(breakable: false)["), block, raw("]") })
end
one.Para = unbreakable
one.BulletList = unbreakable
one.OrderedList = unbreakable
one.Image = function(img)
  return markup.Image(allow.Image(img))
end

return {
  {
    Pandoc = function(doc)
      if doc.meta["fp-key"] ~= nil then
        KEY = pandoc.utils.stringify(doc.meta["fp-key"])
      end
      return doc:walk(one)
    end,
  },
}
