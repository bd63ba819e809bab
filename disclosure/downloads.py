from django.http import FileResponse, Http404

from disclosure.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Always a download, under its original (Chinese) name, never sniffed into something else."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
