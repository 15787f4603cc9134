-- Defence in depth, run first on every conversion of a master document: the only images a
-- document may show are those the build wrote under the output folder's ".travail/"
-- (the notes' images, checked by proceedings/read/images.py, and the charts). Any other image
-- source — an absolute path, a "..", an address (file:, http:, data:…) — is dropped, and
-- so is raw HTML that would load a resource (src=, href=…): pandoc's --embed-resources
-- would otherwise read and embed it. The notes cannot produce either (their text is
-- escaped before it reaches the master): this only guards against a mistake in a
-- template or in the programme. What is dropped is told on pandoc's error output.

local path = pandoc.path

-- The ".travail" folder: the master's own folder's, or the one the master is in (fiches).
local function work_folder()
  local master = PANDOC_STATE.input_files[1] or "."
  local folder = path.normalize(path.directory(master))
  local parts = path.split(folder)
  for i = #parts, 1, -1 do
    if parts[i] == ".travail" then
      return path.join({ table.unpack(parts, 1, i) }), folder
    end
  end
  return path.join({ folder, ".travail" }), folder
end

local work, base = work_folder()

local function allowed(src)
  if src == "" or src:match("^%a[%w+.-]*:") or src:match("^[/\\]") then
    return false
  end
  for part in src:gmatch("[^/\\]+") do
    if part == ".." then return false end
  end
  local target = path.normalize(path.join({ base, src }))
  local prefix = path.normalize(work) .. path.separator
  return target:sub(1, #prefix) == prefix
end

local function refused(what)
  io.stderr:write("proceedings : " .. what .. " écartée du document (hors de .travail/)\n")
  return {}
end

local resource = { "src%s*=", "href%s*=", "data%s*=", "poster%s*=", "srcset",
  "url%s*%(", "@import", "background%s*=" }

local function loads_resource(text)
  local lower = text:lower()
  for _, pattern in ipairs(resource) do
    if lower:find(pattern) then return true end
  end
  return false
end

local function raw(element)
  if element.format:match("html") and loads_resource(element.text) then
    return refused("balise HTML « " .. element.text:sub(1, 60) .. " »")
  end
end

local function image(img)
  if not allowed(img.src) then
    return refused("image « " .. img.src:sub(1, 60) .. " »")
  end
end

-- A figure whose every image is dropped goes with them (else its caption stays alone).
local function figure(fig)
  local kept, dropped = 0, 0
  fig:walk({
    Image = function(img)
      if allowed(img.src) then kept = kept + 1 else dropped = dropped + 1 end
    end,
  })
  if dropped > 0 and kept == 0 then
    fig:walk({ Image = image }) -- tells what is dropped
    return {}
  end
end

return {
  { Figure = figure },
  { Image = image, RawInline = raw, RawBlock = raw },
}
