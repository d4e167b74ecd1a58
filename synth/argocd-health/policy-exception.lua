-- Argo CD health of a Kyverno policies.kyverno.io PolicyException. Kyverno v1.19 writes no status
-- for exceptions (the CRD has no status subresource): one applies as soon as it exists, so it is
-- Healthy when it names the policies it exempts from, Degraded when it names none. Lua 5.1
-- (gopher-lua) with only Argo CD's base and table libraries: no string library.
local hs = {}
local refs = nil
if obj.spec ~= nil then
  refs = obj.spec.policyRefs
end
if refs == nil or #refs == 0 then
  hs.status = "Degraded"
  hs.message = "spec.policyRefs names no policy: the exception exempts from nothing"
  return hs
end
local names = {}
for _, r in ipairs(refs) do
  table.insert(names, tostring(r.kind) .. "/" .. tostring(r.name))
end
hs.status = "Healthy"
hs.message = "Exempts from " .. table.concat(names, ", ")
if obj.spec.expiresAt ~= nil then
  hs.message = hs.message .. " until " .. obj.spec.expiresAt
end
return hs
