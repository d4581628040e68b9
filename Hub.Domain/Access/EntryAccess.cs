using Hub.Domain.Entries;

namespace Hub.Domain.Access;

/// <summary>
/// Who may do what with an entry, for every door: every allowed caller reads and plays entries (the library is shared);
/// only the entry's owner (<see cref="Entry.RequestedBy"/>, see <see cref="Requester.Owns"/>) or an admin changes or
/// deletes it. Entries with no recorded owner are changed by admins only.
/// </summary>
public static class EntryAccess
{
    public static bool CanChange(Requester requester, Entry entry) => requester.IsAdmin || requester.Owns(entry.RequestedBy);

    public static void RequireChange(Requester requester, Entry entry)
    {
        if (!CanChange(requester, entry))
        {
            throw new HubForbiddenException("This entry was imported by someone else; only they or an admin can change or delete it.");
        }
    }
}
