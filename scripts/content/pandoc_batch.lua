-- Convert many documents in one pandoc process (pandoc lua scripts/content/pandoc_batch.lua).
-- Starting pandoc costs more than converting a chapter, so the pipeline sends
-- every chapter of a stage through one process instead of one process each.
-- Input (stdin, JSON): {reader, writer, template (text or null), documents: [{text, id_prefix}]}
-- Output (stdout, JSON): the converted texts, in order.
local request = pandoc.json.decode(io.read("a"))
local template = request.template ~= pandoc.json.null and request.template
  and pandoc.template.compile(request.template) or nil
local results = {}
for i, item in ipairs(request.documents) do
  local doc = pandoc.read(item.text, request.reader)
  local options = {wrap_text = "wrap-none", section_divs = request.section_divs or false}
  if template then options.template = template end
  if item.id_prefix and item.id_prefix ~= "" then options.identifier_prefix = item.id_prefix end
  results[i] = pandoc.write(doc, request.writer, options)
end
io.write(pandoc.json.encode(results))
