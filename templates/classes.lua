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
