-- Where pandoc's Typst writer falls short for the manual. It drops the classes of fenced divs
-- and the alt text of images; this filter keeps both.
--
-- Input: the Markdown made by manualkit/printing/markdown_prep.py, which has already scoped
-- ids by module, turned `ref:` links into internal links and made image paths start at the
-- project root. Here, only divs and images are touched, and the structure comes as small empty
-- marker divs (a div holding a whole module would be copied into Lua and back: slow):
--
-- * `.fp-begin module="id"` / `.fp-finish module="id"`: `// fp:begin id` / `// fp:end id`
--   around a module's Typst, where Python cuts the fragments out;
-- * `.fp-info module="id"` (after the title): `#module-info("id")`;
-- * `.fp-summary` … `.fp-end`: `#summary[` … `]`;
-- * `.fp-section core="1" adapted="0"` … `.fp-end`: `#section(...)[` … `]`; `.fp-tags` after
--   the section's heading: its core / adapted tags;
-- * callouts (note, tip, example, warning, core): `#callout("kind")[...]`;
-- * `::: {.lines n=5}` … `:::` (room to write on a handout): `#writing-lines(5)[...]`, n a whole
--   number from 1 to 30 (the checker's rule E811), 4 when not given;
-- * images: `image(path, alt: ...)`; an image without alt text is decorative, an artifact;
--   a web address cannot be fetched for print, so only its alt text is kept.

local CALLOUTS = { note = true, tip = true, example = true, warning = true, core = true }

local function typst_string(s)
  s = s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[\r\n]+", " ")
  return '"' .. s .. '"'
end

local function raw(text)
  return pandoc.RawBlock("typst", text)
end

local function flags(attrs)
  return "core: " .. tostring(attrs["core"] == "1") .. ", adapted: " .. tostring(attrs["adapted"] == "1")
    .. ", deviation: " .. tostring(attrs["deviation"] == "1")
end

local MARKERS = {
  ["fp-begin"] = function(a) return "// fp:begin " .. a["module"] end,
  ["fp-finish"] = function(a) return "// fp:end " .. a["module"] end,
  ["fp-info"] = function(a) return "#module-info(" .. typst_string(a["module"]) .. ")" end,
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

function Div(div)
  local first = div.classes[1]
  local marker = first and MARKERS[first]
  if marker then
    return raw(marker(div.attributes))
  end
  if first == "lines" then
    return writing_lines(div)
  end
  for _, class in ipairs(div.classes) do
    if CALLOUTS[class] then
      local out = pandoc.Blocks({ raw("#callout(" .. typst_string(class) .. ")[") })
      out:extend(div.content)
      out:insert(raw("]"))
      return out
    end
  end
  return nil
end

function Image(img)
  local alt = pandoc.utils.stringify(img.caption)
  if img.src:sub(1, 1) ~= "/" then
    return pandoc.Str(alt)
  end
  local call = "image(" .. typst_string(img.src)
  if alt == "" then
    return pandoc.RawInline("typst", "#pdf.artifact(" .. call .. "))")
  end
  return pandoc.RawInline("typst", "#" .. call .. ", alt: " .. typst_string(alt) .. ")")
end
