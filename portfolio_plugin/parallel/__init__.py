"""What lets a build use a second core: worker processes that read, check and make the
portfolio's pages while MkDocs works. Only the MkDocs adapter imports this package; the
stages run the same without it, in one process.
"""
