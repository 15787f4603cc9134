-- The master marks some blocks with a class: ::: {.intervenants}, {.note-source},
-- {.encadre}. pandoc's typst and docx writers drop div classes, so this filter carries
-- them over: in Typst as the block's label (styled by `show <intervenants>` rules in
-- synthese.typ), in DOCX as a paragraph style of reference.docx (custom-style).
-- The HTML writer keeps classes by itself. Notes cannot produce these divs: their text is
-- escaped before it reaches the master.
local docx_styles = {
  intervenants = "Intervenants",
  ["note-source"] = "Source de la note",
  encadre = "Encadré",
}

function Div(div)
  for _, class in ipairs(div.classes) do
    local style = docx_styles[class]
    if style then
      if FORMAT == "typst" and div.identifier == "" then
        div.identifier = class
        return div
      elseif FORMAT == "docx" then
        div.attributes["custom-style"] = style
        return div
      end
    end
  end
end

-- Images: pandoc 3.9's typst writer drops their alt text, and its HTML writer keeps
-- fig-alt only as data-fig-alt. The description read by screen readers is the fig-alt
-- attribute (the charts' alt text), else the image's caption.
local function alt_of(img)
  return img.attributes.alt or img.attributes["fig-alt"] or pandoc.utils.stringify(img.caption)
end

local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

local function typst_image(img)
  local src = img.src
  if not src:match("%.%w+$") then
    src = src .. ".svg" -- as --default-image-extension would: the charts' vector files
  end
  local args = { typst_string(src) }
  for _, key in ipairs({ "width", "height" }) do
    local v = img.attributes[key]
    if v then table.insert(args, key .. ": " .. v) end
  end
  local alt = alt_of(img)
  if alt == "" then alt = "Image" end -- PDF/UA requires an alternative text
  table.insert(args, "alt: " .. typst_string(alt))
  return "image(" .. table.concat(args, ", ") .. ")"
end

local function html_image(img)
  -- A photo: its web file (smaller than the print one), sized by the page's style sheet.
  if img.classes:includes("photo") then
    img.src = img.src:gsub("%-impression%.jpg$", "-web.jpg")
    img.attributes.width, img.attributes.height = nil, nil
  end
  if img.attributes["fig-alt"] then
    img.attributes.alt = img.attributes.alt or img.attributes["fig-alt"]
    img.attributes["fig-alt"] = nil
  end
  return img
end

local images = {
  Image = function(img)
    if FORMAT == "typst" then
      return pandoc.RawInline("typst", "#box(" .. typst_image(img) .. ")")
    elseif FORMAT:match("html") then
      return html_image(img)
    end
  end,
}

-- Word reads an image's description from its own text (pandoc writes it as the
-- picture's descr): the fig-alt attribute's, when there is one, rather than the caption.
local function docx_image(img)
  local alt = img.attributes["fig-alt"]
  if alt then
    img.caption = pandoc.Inlines(alt)
    img.attributes["fig-alt"] = nil
    return img
  end
end

local figures = {
  Figure = function(fig)
    if FORMAT == "docx" then
      return fig:walk({ Image = docx_image })
    end
    if FORMAT ~= "typst" then return nil end
    return fig:walk({
      Image = function(img) return pandoc.RawInline("typst", "#" .. typst_image(img)) end,
    })
  end,
}

-- A paragraph or a list item whose text begins with « / » (a rapporteur's « / » for "no
-- answer") would open a Typst term list (« / Terme : description ») and the whole PDF
-- would fail with "expected colon". pandoc escapes a « / » only where it wraps a line to
-- start with one (jgm/pandoc#9386), so the first one of a block is escaped here.
local function leading_slash(block)
  if FORMAT ~= "typst" then
    return nil
  end
  local first = block.content[1]
  if first and first.t == "Str" and first.text:sub(1, 1) == "/" then
    local rest = first.text:sub(2)
    block.content[1] = pandoc.RawInline("typst", "\\/")
    if rest ~= "" then
      block.content:insert(2, pandoc.Str(rest))
    end
    return block
  end
end

return {
  { Div = Div },
  figures,
  images,
  { Para = leading_slash, Plain = leading_slash },
}
